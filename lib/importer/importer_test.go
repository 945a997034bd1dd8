package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Amounts are integer fen ([000] 收费员 4.2: every charge to the fen); a
// clerk's "1,234.50" is 123450 fen, and a third decimal is refused rather
// than rounded away.
func TestMoney(t *testing.T) {
	for in, want := range map[string]int64{"1,234.50": 123450, "1234.5": 123450, "¥1,234.50": 123450, "300": 30000, "0.01": 1,
		"256.80元": 25680, "1234.4999999999998": 123450, "12,345,678.9": 1234567890} {
		if got, p := Money(in); p != nil || got != want {
			t.Errorf("Money(%q) = %d, %v; want %d", in, got, p, want)
		}
	}
	for _, in := range []string{"1.234", "12,34.5", "abc", "-5", "1e5", "", "1,234.5.6", "99999999999999"} {
		if _, p := Money(in); p == nil {
			t.Errorf("Money(%q) was taken", in)
		}
	}
}

func TestDate(t *testing.T) {
	for in, want := range map[string]string{"2026-03-01": "2026-03-01", "2026/3/1": "2026-03-01", "2026.3.1": "2026-03-01",
		"2026年3月1日": "2026-03-01", "20260301": "2026-03-01", "46082": "2026-03-01", "2026/3/1 0:00": "2026-03-01"} {
		if got, p := Date(in); p != nil || got != want {
			t.Errorf("Date(%q) = %q, %v; want %s", in, got, p, want)
		}
	}
	for _, in := range []string{"2026-02-30", "2026/13/1", "3/1/2026", "abc", "12", "1800-01-01"} {
		if _, p := Date(in); p == nil {
			t.Errorf("Date(%q) was taken", in)
		}
	}
}

func TestPeriodPhoneChoice(t *testing.T) {
	for in, want := range map[string]string{"2026-01": "2026-01", "2026/1": "2026-01", "2026年1月": "2026-01", "2026-Q1": "2026-Q1",
		"2026年第三季度": "2026-Q3", "46023": "2026-01"} {
		if got, p := Period(in); p != nil || got != want {
			t.Errorf("Period(%q) = %q, %v; want %s", in, got, p, want)
		}
	}
	for in, want := range map[string]string{"138 0000 0001": "13800000001", "+86 138-0000-0001": "13800000001", "023-67880000": "023-67880000"} {
		if got, p := Phone(in); p != nil || got != want {
			t.Errorf("Phone(%q) = %q, %v; want %s", in, got, p, want)
		}
	}
	if _, p := Phone("1380000000"); p == nil {
		t.Error("a 10-digit mobile was taken")
	}
	if got, _ := Pick("已收房", UnitStatuses); got != "handed_over" {
		t.Errorf("已收房 is %q", got)
	}
	if got, _ := Pick("Owner", Relations); got != "owner" {
		t.Errorf("Owner is %q", got)
	}
	if _, p := Pick("房东", Relations); p == nil || !strings.Contains(p.Zh, "业主、租户、家属") {
		t.Errorf("a wrong relation: %v", p)
	}
}

// The clerk reads "第 12 行 面积：不是数字": the row as Excel numbers it
// (the header is row 1), the column by its header.
func TestParseReportsRowAndColumn(t *testing.T) {
	csv := "楼栋编号,房号,楼层,类型,面积,状态\n1,101,1,住宅,89.5,已入住\n" + strings.Repeat("1,102,1,住宅,89,空置\n", 9) + "1,103,1,住宅,八十,空置\n"
	tab, err := ReadCSV([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	rows, problems := Kinds["units"].Parse(tab)
	if len(rows) != 10 || len(problems) != 1 {
		t.Fatalf("rows %d problems %v", len(rows), problems)
	}
	if got := problems[0].Message("zh"); got != "第 12 行 建筑面积：不是数字" {
		t.Errorf("message %q", got)
	}
	if got := problems[0].Message("en"); got != "Row 12, Area (m²): Not a number." {
		t.Errorf("English %q", got)
	}
}

// Unknown headers and missing required columns are one error naming them
// all, not one per row.
func TestHeaderProblems(t *testing.T) {
	tab, _ := ReadCSV([]byte("楼栋编号,房间,面积\n1,101,80\n1,102,80\n"))
	_, problems := Kinds["units"].Parse(tab)
	if len(problems) != 1 || problems[0].Row != 1 {
		t.Fatalf("problems %v", problems)
	}
	msg := problems[0].Message("zh")
	for _, want := range []string{"缺少必填列", "房号", "楼层", "不认识的列“房间”"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	// English headers are taken too.
	tab, _ = ReadCSV([]byte("Building code,Unit number,Floor,Type,Area (m²),Status\n1,101,1,Residential,80,Vacant\n"))
	if rows, problems := Kinds["units"].Parse(tab); len(problems) != 0 || rows[0].Str("type") != "residential" {
		t.Fatalf("English header: %v %v", rows, problems)
	}
}

// Offices export from old systems in GBK: a file that is not UTF-8 is read
// as GBK; a UTF-8 byte-order mark (Excel's "CSV UTF-8") is dropped.
func TestEncodings(t *testing.T) {
	text := "姓名,手机号,楼栋编号,房号,关系\n欧阳明,13555000001,1,101,业主\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"utf8": []byte(text), "bom": append([]byte("\xef\xbb\xbf"), text...), "gbk": []byte(gbk)} {
		tab, err := Read("x.csv", data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rows, problems := Kinds["residents"].Parse(tab)
		if len(problems) != 0 || len(rows) != 1 || rows[0].Str("name") != "欧阳明" || rows[0].Str("relation") != "owner" {
			t.Errorf("%s: %v %v", name, rows, problems)
		}
	}
}

func TestLimits(t *testing.T) {
	if _, err := Read("x.csv", make([]byte, MaxBytes+1)); !errors.Is(err, ErrTooBig) {
		t.Errorf("too big: %v", err)
	}
	var b bytes.Buffer
	b.WriteString("楼栋编号,楼层数\n")
	for i := 0; i <= MaxRows; i++ {
		b.WriteString("1,6\n")
	}
	if _, err := Read("x.csv", b.Bytes()); !errors.Is(err, ErrTooManyRows) {
		t.Errorf("too many rows: %v", err)
	}
	if _, err := Read("x.csv", []byte("\n\n")); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Read("x.xlsx", []byte("PK\x03\x04garbage")); !errors.Is(err, ErrUnreadable) {
		t.Errorf("garbage: %v", err)
	}
}

// A small file must not decode to a large one: an .xlsx stores a long text
// once (shared strings) and may name it from every cell, so a few
// kilobytes on disk could fill the server's memory. One cell longer than
// any column takes refuses the file as it is read.
func TestLongCellsRefused(t *testing.T) {
	long := strings.Repeat("A", MaxCell+1)
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "手机号"})
	for r := 2; r <= 40; r++ {
		_ = f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", r), &[]any{long, long})
	}
	var x bytes.Buffer
	if err := f.Write(&x); err != nil {
		t.Fatal(err)
	}
	if x.Len() > 64<<10 {
		t.Fatalf("the workbook should be small on disk (shared strings): %d bytes", x.Len())
	}
	if _, err := Read("x.xlsx", x.Bytes()); !errors.Is(err, ErrCellTooLong) {
		t.Errorf("xlsx with long shared cells: %v", err)
	}
	if _, err := Read("x.csv", []byte("姓名,手机号\n"+long+",13800000001\n")); !errors.Is(err, ErrCellTooLong) {
		t.Errorf("csv with a long cell: %v", err)
	}
	if _, err := Read("x.csv", []byte("姓名,手机号\n"+strings.Repeat("A", MaxCell)+",13800000001\n")); err != nil {
		t.Errorf("a cell of MaxCell bytes is read: %v", err)
	}
}

// Each template reads back as its own kind with no problem, the sample
// estate too; its second sheet explains every column.
func TestTemplatesReadBack(t *testing.T) {
	for _, name := range KindNames {
		k := Kinds[name]
		for _, rows := range [][][]string{nil, Sample(name)} {
			data, err := Template(k, rows)
			if err != nil {
				t.Fatal(err)
			}
			tab, err := Read(name+".xlsx", data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, problems := k.Parse(tab)
			if len(problems) != 0 || len(got) == 0 {
				t.Errorf("%s: %d rows, problems %v", name, len(got), problems)
			}
			if rows != nil && len(got) != len(rows) {
				t.Errorf("%s sample: %d rows of %d", name, len(got), len(rows))
			}
			f, _ := excelize.OpenReader(bytes.NewReader(data))
			help, _ := f.GetRows("填写说明")
			if len(help) < len(k.Columns)+1 || help[1][0] != k.Columns[0].Zh {
				t.Errorf("%s: help sheet %v", name, help)
			}
		}
	}
	if n := len(Sample("units")); n != 40 {
		t.Errorf("sample units %d", n)
	}
	if n := len(Sample("residents")); n != 30 {
		t.Errorf("sample residents %d", n)
	}
}

// An Excel date cell arrives as its serial number and is read as a date.
func TestXLSXDateCell(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"楼栋编号", "房号", "表类", "抄表日期", "读数"})
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"1", "101", "水表", 46082, 12.5})
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	_ = f.SetCellStyle("Sheet1", "D2", "D2", style)
	var b bytes.Buffer
	_ = f.Write(&b)
	tab, err := Read("r.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	rows, problems := Kinds["meter_readings"].Parse(tab)
	if len(problems) != 0 || rows[0].Str("read_on") != "2026-03-01" || rows[0].Float("reading") != 12.5 {
		t.Fatalf("%v %v", rows, problems)
	}
}

// FuzzCSV: whatever bytes arrive, reading and parsing them never panics,
// and every problem names a row of the file.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("楼栋编号,房号,楼层,类型,建筑面积,状态\n1,101,1,住宅,89.5,已入住\n"))
	f.Add([]byte("\xef\xbb\xbf姓名,手机号\n\"a\nb\",1\n"))
	f.Add([]byte("\xc2\xa5,\xff\xfe\n1,2"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadCSV(data)
		if err != nil {
			return
		}
		for _, name := range KindNames {
			rows, problems := Kinds[name].Parse(tab)
			for _, p := range problems {
				if p.Row < 1 || p.Message("zh") == "" {
					t.Fatalf("problem %+v", p)
				}
			}
			_ = rows
		}
	})
}

// FuzzCell: every cell parser either takes a value or says why not.
func FuzzCell(f *testing.F) {
	for _, s := range []string{"1,234.50", "2026/3/1", "46082", "2026-Q1", "+86 138 0000 0001", "已入住", "", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fen, p := Money(s); p == nil && (fen < 0 || fen > MaxFen) {
			t.Fatalf("Money(%q) = %d", s, fen)
		}
		if d, p := Date(s); p == nil && len(d) != 10 {
			t.Fatalf("Date(%q) = %q", s, d)
		}
		if v, p := Period(s); p == nil && len(v) != 7 {
			t.Fatalf("Period(%q) = %q", s, v)
		}
		if v, p := Phone(s); p == nil && !mobile.MatchString(v) && !landline.MatchString(v) {
			t.Fatalf("Phone(%q) = %q", s, v)
		}
		_, _ = Int(s)
		_, _ = Pick(s, UnitStatuses)
	})
}
