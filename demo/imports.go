package demo

import (
	"fmt"
	"os"
	"path/filepath"

	"wuye/hooks"
	"wuye/lib/importer"
)

// WriteImportSamples writes the import templates filled with the sample
// estate (海棠苑: 2 buildings, 40 units, 30 residents, 10 parking spaces,
// opening arrears and a month's water readings; lib/importer Sample) into
// dir, one .xlsx per kind, numbered in the order an office imports them.
// `wuye demo` writes them beside its data; the workspace's import page
// downloads the same files (下载示例数据). They are made by code, not kept in
// the repository.
func WriteImportSamples(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []string
	for i, kind := range importer.KindNames {
		k := importer.Kinds[kind]
		data, err := importer.Template(k, importer.Sample(kind))
		if err != nil {
			return nil, err
		}
		name := filepath.Join(dir, fmt.Sprintf("%d_%s_%s.xlsx", i+1, kind, k.Title.Zh))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, nil
}

// importDryRun records a dry run of the sample estate's buildings file by
// 翠湖花园's supervisor: the import page's history shows a batch with its
// file and report, and nothing of the registry changes (a dry run writes
// only its import_batches record).
func (l *loader) importDryRun() {
	if l.err != nil {
		return
	}
	c, err := l.app.FindFirstRecordByData("communities", "code", CommunityCode)
	if err != nil {
		l.err = err
		return
	}
	data, err := importer.Template(importer.Kinds["buildings"], importer.Sample("buildings"))
	if err != nil {
		l.err = err
		return
	}
	table, err := importer.Read("buildings.xlsx", data)
	if err != nil {
		l.err = err
		return
	}
	_, l.err = hooks.RunImport(l.app, hooks.ImportRequest{Kind: "buildings", Community: c.Id, DryRun: true,
		Actor: l.account("staff", "supervisor@example.com"), FileName: "示例数据_楼栋.xlsx", Table: table})
}
