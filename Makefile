# 信访工作经验库 — every target sets up what it needs; `make help` lists them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.DEFAULT_GOAL := help

help: ## 列出全部命令
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/kb: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

setup: $(BIN)/kb ## 创建 .venv 并安装项目和测试依赖

SYSTEM_PACKAGES := chromium fonts-noto-cjk poppler-utils
system-deps: ## 安装浏览器测试和 PDF 讲义所需的 Debian 软件包（chromium、思源字体、poppler）
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

serve: setup ## 校验、生成网站和检索索引，并在 http://127.0.0.1:8000 预览（自动刷新）
	$(BIN)/kb build
	$(BIN)/kb serve

build: setup ## 生成网站到 build/site
	$(BIN)/kb build

validate: setup ## 检查全部内容
	$(BIN)/kb validate

new-region: setup ## 添加地区：make new-region NAME=华阳路街道 [PARENT=长宁区]
	$(BIN)/kb new region "$(NAME)" $(if $(PARENT),--parent "$(PARENT)")

new-source: setup ## 新资料来源：make new-source KIND=book|article|web TITLE=题名
	$(BIN)/kb new source --kind "$(KIND)" --title "$(TITLE)"

new-case: setup ## 新案例：make new-case REGION=江苏路街道 NAME=有信访我代理
	$(BIN)/kb new case --region "$(REGION)" --name "$(NAME)"

new-course: setup ## 新培训课程：make new-course TITLE=课程名称
	$(BIN)/kb new course --title "$(TITLE)"

test: system-deps setup ## 安装依赖并运行全部测试（含浏览器和 PDF 测试）
	$(BIN)/python -m pytest

.PHONY: help setup system-deps serve build validate test new-region new-source new-case new-course
