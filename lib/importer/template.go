package importer

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Template writes kind's .xlsx template: a first sheet with the Chinese
// headers and rows (one example row when rows is nil) and a second sheet
// "填写说明" explaining each column, whether it is required and its allowed
// values. Every cell is text, so that Excel keeps a phone number, a unit
// number "0101" or a period "2026-01" as typed.
func Template(k Kind, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := k.Title.Zh
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E8F0FE"}}, NumFmt: 49})
	if err != nil {
		return nil, err
	}
	required, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "#B00020"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E8F0FE"}}, NumFmt: 49})
	if err != nil {
		return nil, err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, err
	}
	if rows == nil {
		var ex []string
		for _, c := range k.Columns {
			ex = append(ex, c.Example)
		}
		rows = [][]string{ex}
	}
	last, _ := excelize.ColumnNumberToName(len(k.Columns))
	if err := f.SetColStyle(sheet, "A:"+last, textStyle); err != nil {
		return nil, err
	}
	if err := f.SetColWidth(sheet, "A", last, 14); err != nil {
		return nil, err
	}
	for i, c := range k.Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, c.Zh); err != nil {
			return nil, err
		}
		style := head
		if c.Required {
			style = required
		}
		if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
			return nil, err
		}
	}
	for r, row := range rows {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}

	help := "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	for i, h := range []string{"列名", "Column", "必填 Required", "说明", "Description", "可选值 Allowed values"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellStr(help, cell, h)
		_ = f.SetCellStyle(help, cell, cell, head)
	}
	for r, c := range k.Columns {
		req := ""
		if c.Required {
			req = "必填 required"
		}
		var allowed []string
		seen := map[string]bool{}
		for _, ch := range c.Choices {
			if !seen[ch.Code] {
				seen[ch.Code] = true
				allowed = append(allowed, ch.Zh+" / "+ch.En)
			}
		}
		for i, v := range []string{c.Zh, c.En, req, c.Help.Zh, c.Help.En, strings.Join(allowed, "；")} {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			_ = f.SetCellStr(help, cell, v)
		}
	}
	n := len(k.Columns) + 3
	notes := []string{
		"第 1 行是表头，请勿改动；从第 2 行起每行一条。Row 1 is the header; one record per row from row 2.",
		"先“试导入”查看报告（第几行哪一列有什么问题），没有错误后再“导入”；有任何错误时不会导入任何一行。Run a dry run first; an import with any error changes nothing.",
		"同一文件再次导入不会重复：" + keyNote(k) + "。Importing the same file again changes nothing; a changed row updates the record.",
		"也可另存为 CSV（UTF-8 或 GBK 编码）。The sheet may also be saved as CSV (UTF-8 or GBK).",
	}
	for i, s := range notes {
		_ = f.SetCellStr(help, fmt.Sprintf("A%d", n+i), s)
	}
	_ = f.SetColWidth(help, "A", "B", 16)
	_ = f.SetColWidth(help, "D", "F", 40)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// keyNote says how a row finds its record again.
func keyNote(k Kind) string {
	switch k.Name {
	case "buildings":
		return "按楼栋编号找到已有楼栋"
	case "units":
		return "按楼栋编号 + 房号找到已有房屋"
	case "residents":
		return "按手机号找到已有住户，按房屋找到其登记"
	case "parking":
		return "按车位编号找到已有车位"
	case "opening_arrears":
		return "按房屋 + 收费项目 + 账期找到已导入的期初欠费"
	}
	return "按房屋 + 表类 + 抄表日期找到已有读数"
}
