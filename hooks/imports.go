package hooks

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"wuye/lib/importer"
	"wuye/migrations"
)

// Excel import (docs/DESIGN.md, "Import"): an office loads its estate —
// buildings, units, residents with their links, parking spaces, opening
// arrears and meter readings — from the spreadsheets it keeps, instead of
// typing 10,000 units. POST /api/wuye/imports takes a file (.xlsx or .csv,
// UTF-8 or GBK) of one kind for one community:
//
//   - a dry run (dry_run=true, the default) reads and checks every row
//     against the community's records and answers the report — per row
//     and column, in words a clerk acts on ("第 12 行 面积：不是数字"), and
//     how many rows would create, update or leave a record unchanged — and
//     writes nothing but the batch's own record;
//   - an apply (dry_run=false) does the same and, only if no row has a
//     problem, writes every row in one transaction; a single problem and
//     nothing is written (400, with the report);
//   - rows find their records by natural keys, so importing the same file
//     twice creates and updates nothing the second time, and a changed row
//     updates its record. Money and meter readings are never changed by an
//     import (an opening arrear already billed, a reading already taken,
//     stand as they are; a different value is a problem to settle at the
//     cashier's or by a correction).
//
// Every import is an import_batches record (the file, the report, who ran
// it, the records it created and updated) and an apply writes one event
// naming the batch and its counts, not one per row.
// GET /api/wuye/imports/templates/{kind} is the kind's .xlsx template
// (?sample=1: filled with a small sample estate).

func init() {
	for code, err := range map[string]error{"wuye_import_too_big": importer.ErrTooBig, "wuye_import_too_many_rows": importer.ErrTooManyRows,
		"wuye_import_empty": importer.ErrEmpty, "wuye_import_unreadable": importer.ErrUnreadable} {
		t := importer.FileError(err)
		messages[code] = text{t.Zh, t.En}
	}
	messages["wuye_import_kind"] = text{"请选择要导入的内容：楼栋、房屋、住户、车位、期初欠费或抄表读数", "Choose what to import: buildings, units, residents, parking, opening arrears or meter readings."}
	messages["wuye_import_file_needed"] = text{"请选择要导入的文件（.xlsx 或 .csv）", "Choose the file to import (.xlsx or .csv)."}
	messages["wuye_import_not_yours"] = text{"您不能为该小区导入此类数据：楼栋、房屋、住户和车位由客服主管或管理处主任导入，期初欠费还可由收费员导入，抄表读数还可由收费员和片区管理员导入",
		"You cannot import this for the community: buildings, units, residents and parking are imported by a supervisor or the director; opening arrears also by the cashier; meter readings also by the cashier and area managers."}
	messages["wuye_import_has_errors"] = text{"文件中有 %[1]v 处问题，未导入任何数据：请按报告改正后重新试导入", "The file has %[1]v problem(s); nothing was imported. Correct them as the report says and run the dry run again."}
}

func registerImports(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/imports", importFile).Bind(apis.RequireAuth())
		se.Router.GET("/api/wuye/imports/templates/{kind}", importTemplate).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// mayImport reports whether the caller may import kind for community.
func mayImport(e *core.RequestEvent, kind, community string) bool {
	return e.HasSuperuserAuth() || hasRole(e.Auth, migrations.ImportRoles[kind]...) && servesCommunity(e.Auth, community)
}

// importReport is the route's answer.
type importReport struct {
	Batch     string        `json:"batch"`
	Kind      string        `json:"kind"`
	DryRun    bool          `json:"dry_run"`
	Outcome   string        `json:"outcome"`
	Rows      int           `json:"rows"`
	Create    int           `json:"create"`
	Update    int           `json:"update"`
	Unchanged int           `json:"unchanged"`
	Errors    []importError `json:"errors"`
	Message   string        `json:"message,omitempty"`
}

type importError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// storedErrorsMax bounds the problems kept on the batch record (the
// answer has them all).
const storedErrorsMax = 1000

// errRefused rolls an apply back when a row has a problem.
var errRefused = errors.New("import refused")

func importFile(e *core.RequestEvent) error {
	kind := e.Request.FormValue("kind")
	community := e.Request.FormValue("community")
	if _, ok := importer.Kinds[kind]; !ok {
		return badRequest(validation.Errors{"kind": codedError("wuye_import_kind")})
	}
	if !mayImport(e, kind, community) {
		return apis.NewForbiddenError("", validation.Errors{"community": codedError("wuye_import_not_yours")})
	}
	if _, err := e.App.FindRecordById("communities", community); err != nil {
		return apis.NewNotFoundError("", nil)
	}
	dryRun := e.Request.FormValue("dry_run") != "false"
	file, header, err := e.Request.FormFile("file")
	if err != nil {
		return badRequest(validation.Errors{"file": codedError("wuye_import_file_needed")})
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, importer.MaxBytes+1))
	if err != nil {
		return badRequest(validation.Errors{"file": codedError("wuye_import_unreadable")})
	}
	table, err := importer.Read(header.Filename, data)
	if err != nil {
		code := "wuye_import_unreadable"
		switch {
		case errors.Is(err, importer.ErrTooBig):
			code = "wuye_import_too_big"
		case errors.Is(err, importer.ErrTooManyRows):
			code = "wuye_import_too_many_rows"
		case errors.Is(err, importer.ErrEmpty):
			code = "wuye_import_empty"
		}
		return badRequest(validation.Errors{"file": codedError(code)})
	}
	var actor *core.Record
	if isStaff(e.Auth) {
		actor = e.Auth
	}
	p, err := RunImport(e.App, ImportRequest{Kind: kind, Community: community, Actor: actor, DryRun: dryRun,
		FileName: header.Filename, Table: table})
	if err != nil {
		return err
	}
	lang := requestLang(e.Request)
	rep := p.report(lang)
	if !dryRun && len(p.problems) > 0 {
		rep.Message = render(messages["wuye_import_has_errors"], lang, map[string]any{"a": len(p.problems)})
		return e.JSON(http.StatusBadRequest, rep)
	}
	return e.JSON(http.StatusOK, rep)
}

// ImportRequest is one file to import.
type ImportRequest struct {
	Kind, Community string
	Actor           *core.Record // the staff member; nil for a superuser or code
	DryRun          bool
	FileName        string // as sent; the batch keeps the table read from it
	Table           *importer.Table
}

// ImportResult is what an import did: its batch and counts.
type ImportResult struct {
	*importPlan
	Batch   string
	Outcome string
}

// RunImport checks (and, unless a dry run, applies) an import: the plan is
// made and written in one transaction, which any problem rolls back. A dry
// run and an apply are recorded as a batch; an apply refused for its rows
// leaves nothing behind.
func RunImport(app core.App, req ImportRequest) (*ImportResult, error) {
	k, ok := importer.Kinds[req.Kind]
	if !ok {
		return nil, badRequest(validation.Errors{"kind": codedError("wuye_import_kind")})
	}
	rows, problems := k.Parse(req.Table)
	batchID := core.GenerateDefaultRandomId()
	res := &ImportResult{Batch: batchID}
	newPlan := func(app core.App) *importPlan {
		return &importPlan{app: app, kind: k, community: req.Community, actor: req.Actor, batch: batchID,
			problems: slices.Clone(problems), rows: len(req.Table.Rows)}
	}
	if req.DryRun {
		res.importPlan = newPlan(app)
		if err := res.plan(rows); err != nil {
			return nil, err
		}
		res.Outcome = "dry_run"
		return res, res.saveBatchRecord(app, req, nil)
	}
	err := app.RunInTransaction(func(tx core.App) error {
		res.importPlan = newPlan(tx)
		if err := res.plan(rows); err != nil {
			return err
		}
		if len(res.problems) > 0 {
			return errRefused
		}
		res.Outcome = "applied"
		return res.apply(tx, req)
	})
	if errors.Is(err, errRefused) {
		// Bad input changes nothing, not even the history: the report is
		// the answer (and the dry run before it is on record).
		res.Outcome, res.Batch = "refused", ""
		res.app = app
		res.creates, res.updates, res.saves, res.changes = nil, nil, nil, nil
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// apply writes the plan, the batch record and its one event, in tx.
func (r *ImportResult) apply(tx core.App, req ImportRequest) error {
	for start := 0; start < len(r.creates); {
		end := start + 1
		for end < len(r.creates) && r.creates[end].Collection().Id == r.creates[start].Collection().Id {
			end++
		}
		if err := InsertRecords(tx, r.creates[start:end]); err != nil {
			return err
		}
		start = end
	}
	if err := applyUpdates(tx, r.updates); err != nil {
		return err
	}
	for _, b := range r.saves {
		if err := tx.Save(b); err != nil {
			return err
		}
	}
	// The residents' places follow their links (migrations.SyncResidentPlaces:
	// the links were written without a record save).
	slices.Sort(r.places)
	places := slices.Compact(r.places)
	for start := 0; start < len(places); start += 400 {
		if err := migrations.SyncResidentPlaces(tx, places[start:min(start+400, len(places))]...); err != nil {
			return err
		}
	}
	var batch *core.Record
	if err := r.saveBatchRecord(tx, req, &batch); err != nil {
		return err
	}
	c, u, n := r.counts()
	return RecordEvent(tx, Event{Subject: batch, Action: "import", To: req.Kind, Actor: req.Actor,
		Note: req.FileName + "：" + itoa(r.rows) + " 行，新增 " + itoa(c) + "，更新 " + itoa(u) + "，未变 " + itoa(n)})
}

// saveBatchRecord writes the import_batches record of the import.
func (r *ImportResult) saveBatchRecord(app core.App, req ImportRequest, out **core.Record) error {
	col, err := app.FindCachedCollectionByNameOrId("import_batches")
	if err != nil {
		return err
	}
	b := core.NewRecord(col)
	b.Id = r.Batch
	b.Set("id", r.Batch)
	c, u, n := r.counts()
	var stored []map[string]any
	for i, p := range r.problems {
		if i == storedErrorsMax {
			break
		}
		stored = append(stored, map[string]any{"row": p.Row, "column": p.Column.Zh, "column_en": p.Column.En,
			"message": p.Message("zh"), "message_en": p.Message("en")})
	}
	name := req.FileName
	if name == "" {
		name = req.Kind + ".csv"
	}
	// The file is kept as read: its (first) sheet as a UTF-8 CSV that
	// Excel opens, whatever it came as — an .xlsx is a zip of XML, a type
	// no file field here accepts (hooks/ops_test.go), and a GBK file is
	// stored in the encoding the rest of the system reads.
	stem := strings.TrimSuffix(strings.TrimSuffix(name, filepath.Ext(name)), ".")
	f, err := filesystem.NewFileFromBytes(tableCSV(req.Table), safeFileName(stem+".csv"))
	if err != nil {
		return err
	}
	actor := ""
	if req.Actor != nil {
		actor = req.Actor.Id
	}
	for k, v := range map[string]any{"community": req.Community, "kind": req.Kind, "file": f, "file_name": truncate(name, 200),
		"dry_run": req.DryRun, "outcome": r.Outcome, "rows": r.rows, "created": c, "updated": u, "unchanged": n,
		"errors": stored, "changes": r.changes, "actor_staff": actor} {
		b.Set(k, v)
	}
	if err := app.Save(b); err != nil {
		return err
	}
	if out != nil {
		*out = b
	}
	return nil
}

// counts are the rows that create, update and leave records unchanged.
func (p *importPlan) counts() (create, update, unchanged int) {
	if p == nil {
		return 0, 0, 0
	}
	for _, o := range p.outcome {
		switch o {
		case "create":
			create++
		case "update":
			update++
		case "unchanged":
			unchanged++
		}
	}
	return
}

func (r *ImportResult) report(lang string) importReport {
	c, u, n := r.counts()
	rep := importReport{Batch: r.Batch, Kind: r.kind.Name, DryRun: r.Outcome == "dry_run", Outcome: r.Outcome, Rows: r.rows,
		Create: c, Update: u, Unchanged: n, Errors: []importError{}}
	slices.SortStableFunc(r.problems, func(a, b importer.Problem) int { return a.Row - b.Row })
	for _, p := range r.problems {
		rep.Errors = append(rep.Errors, importError{Row: p.Row, Column: p.Column.In(lang), Message: p.Message(lang)})
	}
	return rep
}

// importTemplate answers the kind's template (?sample=1: with the sample
// estate's rows).
func importTemplate(e *core.RequestEvent) error {
	if !e.HasSuperuserAuth() && !isStaff(e.Auth) {
		return apis.NewForbiddenError("", nil)
	}
	kind := e.Request.PathValue("kind")
	k, ok := importer.Kinds[kind]
	if !ok {
		return apis.NewNotFoundError("", nil)
	}
	var rows [][]string
	name := "导入模板_" + k.Title.Zh
	if e.Request.URL.Query().Get("sample") == "1" {
		rows = importer.Sample(kind)
		name = "示例数据_" + k.Title.Zh
	}
	data, err := importer.Template(k, rows)
	if err != nil {
		return err
	}
	e.Response.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	e.Response.Header().Set("Content-Disposition", attachment("wuye_"+kind+".xlsx", name+".xlsx"))
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	_, err = e.Response.Write(data)
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }

// safeFileName keeps a file name PocketBase stores (it normalizes it
// further itself).
func safeFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 32 {
			return '_'
		}
		return r
	}, name)
	return truncate(name, 100)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// tableCSV writes a table read back as CSV (UTF-8 with a byte-order mark,
// so that Excel reads the Chinese), header first.
func tableCSV(t *importer.Table) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(inertCells(t.Header))
	for _, l := range t.Rows {
		_ = w.Write(inertCells(l.Cells))
	}
	w.Flush()
	return b.Bytes()
}

// inertCells keeps a spreadsheet from running a cell of the stored file as
// a formula when someone opens it (=HYPERLINK(…), +cmd…, @SUM…): such a
// cell is kept as text, behind an apostrophe.
func inertCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			c = "'" + c
		}
		out[i] = c
	}
	return out
}
