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

serve: setup ## 校验、生成网站和检索索引，并在 http://127.0.0.1:8000 预览（自动刷新）
	$(BIN)/kb build
	$(BIN)/kb index
	$(BIN)/kb serve

build: setup ## 生成网站到 build/site
	$(BIN)/kb build

validate: setup ## 检查全部内容
	$(BIN)/kb validate

test: setup ## 运行全部测试
	$(BIN)/python -m pytest

.PHONY: help setup serve build validate test
