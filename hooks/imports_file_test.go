package hooks

import (
	"strings"
	"testing"

	"wuye/lib/importer"
)

// The file kept on an import batch is opened in a spreadsheet by whoever
// reviews the import: a cell that reads as a formula (=HYPERLINK(…) to a
// phishing page, +cmd…) is stored as text, so opening it runs nothing.
func TestStoredImportFileIsInert(t *testing.T) {
	got := string(tableCSV(&importer.Table{Header: []string{"姓名", "手机号"}, Rows: []importer.Line{
		{N: 2, Cells: []string{`=HYPERLINK("http://evil.example/x","点我")`, "13800000001"}},
		{N: 3, Cells: []string{"+cmd|' /C calc'!A0", "@SUM(1)"}},
		{N: 4, Cells: []string{"李明", "13800000002"}},
	}}))
	for _, want := range []string{`"'=HYPERLINK(""http://evil.example/x"",""点我"")"`, `'+cmd|' /C calc'!A0`, `'@SUM(1)`, "李明,13800000002"} {
		if !strings.Contains(got, want) {
			t.Errorf("stored file lacks %s:\n%s", want, got)
		}
	}
	for _, line := range strings.Split(got, "\r\n") {
		if strings.HasPrefix(line, "=") || strings.Contains(line, ",=") || strings.Contains(line, `,"=`) {
			t.Errorf("a formula cell survived: %s", line)
		}
	}
}
