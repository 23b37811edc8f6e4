// Compare page downloads: the cases side by side as .xlsx or .csv (UTF-8 with BOM), made in the
// browser from the records compare.js has loaded, so it works from file:// without a server.
// Every cell is written as text: an .xlsx inline string is never a formula, and a CSV cell that
// Excel would run as one gets a leading apostrophe.
(function () {
  "use strict";

  function plain(html) {
    var box = document.createElement("div");
    box.innerHTML = String(html).replace(/<\/li>/g, "\n").replace(/<br\s*\/?>/g, "\n");
    var text = box.textContent.replace(/\n+$/, "");
    return text === "—" ? "" : text;
  }

  function table() {
    var cases = window.KB_COMPARE_SELECTED || [];
    var rows = [["字段"].concat(cases.map(function (c) { return c.title + (c.draft ? "［草稿］" : ""); }))];
    window.KB_COMPARE_ROWS.forEach(function (row, i) {
      rows.push([row].concat(cases.map(function (c) { return plain(c.fields[i]); })));
    });
    rows.push(["案例编号"].concat(cases.map(function (c) { return c.id; })));
    return rows;
  }

  function csv(rows) {
    return "\ufeff" + rows.map(function (row) {
      return row.map(function (v) {
        v = String(v);
        if (/^[=+\-@\t\r]/.test(v)) v = "'" + v;
        return '"' + v.replace(/"/g, '""') + '"';
      }).join(",");
    }).join("\r\n") + "\r\n";
  }

  function xml(s) {
    return String(s).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "").replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  function column(n) { var s = ""; n += 1; while (n > 0) { var m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); } return s; }

  function sheetXml(rows) {
    var body = rows.map(function (row, r) {
      return '<row r="' + (r + 1) + '">' + row.map(function (v, c) {
        return '<c r="' + column(c) + (r + 1) + '" t="inlineStr"' + (r === 0 || c === 0 ? ' s="1"' : ' s="2"') +
          '><is><t xml:space="preserve">' + xml(v) + "</t></is></c>";
      }).join("") + "</row>";
    }).join("");
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<cols><col min="1" max="1" width="14" customWidth="1"/><col min="2" max="' + Math.max(2, rows[0].length) + '" width="40" customWidth="1"/></cols>' +
      "<sheetData>" + body + "</sheetData></worksheet>";
  }

  var PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="案例对比" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
      '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>' +
      '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>' +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
  };

  var CRC = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) { var c = n; for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; table.push(c >>> 0); }
    return table;
  })();
  function crc32(bytes) { var c = 0xffffffff; for (var i = 0; i < bytes.length; i++) c = CRC[(c ^ bytes[i]) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; }

  // A zip of stored (uncompressed) entries: all an .xlsx reader needs.
  function zip(files) {
    var encoder = new TextEncoder(), chunks = [], central = [], offset = 0;
    function u16(v) { return [v & 0xff, (v >>> 8) & 0xff]; }
    function u32(v) { return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]; }
    Object.keys(files).forEach(function (name) {
      var data = encoder.encode(files[name]), path = encoder.encode(name), crc = crc32(data);
      var common = [].concat(u16(20), u16(0x0800), u16(0), u16(0), u16(0x21), u32(crc), u32(data.length), u32(data.length), u16(path.length), u16(0));
      var local = new Uint8Array([].concat(u32(0x04034b50), common));
      chunks.push(local, path, data);
      central.push(new Uint8Array([].concat(u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u32(0), u32(offset))), path);
      offset += local.length + path.length + data.length;
    });
    var size = central.reduce(function (n, c) { return n + c.length; }, 0);
    var end = new Uint8Array([].concat(u32(0x06054b50), u16(0), u16(0), u16(central.length / 2), u16(central.length / 2), u32(size), u32(offset), u16(0)));
    return new Blob(chunks.concat(central, [end]), { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
  }

  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest(".kb-download");
    if (!button) return;
    if (!(window.KB_COMPARE_SELECTED || []).length) { alert("还没有选择案例：先用下面的检索框加入要对比的案例。"); return; }
    var rows = table();
    if (button.getAttribute("data-format") === "csv") {
      save(new Blob([csv(rows)], { type: "text/csv;charset=utf-8" }), "案例对比.csv");
    } else {
      var files = {};
      Object.keys(PARTS).forEach(function (k) { files[k] = PARTS[k]; });
      files["xl/worksheets/sheet1.xml"] = sheetXml(rows);
      save(zip(files), "案例对比.xlsx");
    }
  });
})();
