package demo_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wuye/demo"
	"wuye/lib/importer"
)

// The sample estate's files read back as clean imports of their kinds.
func TestWriteImportSamples(t *testing.T) {
	dir := t.TempDir()
	files, err := demo.WriteImportSamples(dir)
	if err != nil || len(files) != len(importer.KindNames) {
		t.Fatalf("%v %v", files, err)
	}
	for i, f := range files {
		kind := importer.KindNames[i]
		if !strings.Contains(filepath.Base(f), kind) {
			t.Errorf("%s is not the %s file", f, kind)
		}
		data, _ := os.ReadFile(f)
		tab, err := importer.Read(f, data)
		if err != nil {
			t.Fatal(err)
		}
		if rows, problems := importer.Kinds[kind].Parse(tab); len(problems) > 0 || len(rows) == 0 {
			t.Errorf("%s: %d rows, %v", kind, len(rows), problems)
		}
	}
}
