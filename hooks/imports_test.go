package hooks_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// importReport is the answer of POST /api/wuye/imports.
type importReport struct {
	Batch     string `json:"batch"`
	Outcome   string `json:"outcome"`
	Rows      int    `json:"rows"`
	Create    int    `json:"create"`
	Update    int    `json:"update"`
	Unchanged int    `json:"unchanged"`
	Errors    []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
	Message string `json:"message"`
}

// postImport sends a file to POST /api/wuye/imports as email.
func postImport(t *testing.T, h http.Handler, email, kind, community string, dryRun bool, name string, data []byte) (int, importReport, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("kind", kind)
	_ = w.WriteField("community", community)
	if dryRun {
		_ = w.WriteField("dry_run", "true")
	} else {
		_ = w.WriteField("dry_run", "false")
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/wuye/imports", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if email != "" {
		req.Header.Set("Authorization", testapp.Token(t, email))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var rep importReport
	_ = json.Unmarshal(rec.Body.Bytes(), &rep)
	return rec.Code, rep, rec.Body.String()
}

// registryCounts counts the rows of every collection an import writes.
func registryCounts(t *testing.T, app core.App) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, c := range []string{"buildings", "units", "residents", "unit_residents", "parking_spaces", "bills", "meter_readings", "events", "import_batches"} {
		n, err := app.CountRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		out[c] = int(n)
	}
	return out
}

func sameCounts(t *testing.T, what string, before, after map[string]int) {
	t.Helper()
	for c, n := range before {
		if after[c] != n {
			t.Errorf("%s changed %s: %d → %d", what, c, n, after[c])
		}
	}
}

type importStep struct {
	csv                       string
	create, update, unchanged int
}

// runImportFlow is the life of one kind's file (issue #20 item 2): a dry
// run changes nothing, yet reports what the apply will do; the apply
// does it; applying the same file again creates and updates nothing; the
// file with a row changed updates that row; a file with one bad row
// changes nothing at all, and says which row and column.
func runImportFlow(t *testing.T, app core.App, h http.Handler, who, kind string, first, changed importStep, bad string, badRow int, badColumn string) {
	t.Helper()
	ch := testapp.ID(t, "community:CH")
	before := registryCounts(t, app)
	code, rep, body := postImport(t, h, who, kind, ch, true, kind+".csv", []byte(first.csv))
	if code != 200 || rep.Outcome != "dry_run" || rep.Create != first.create || rep.Update != first.update || len(rep.Errors) != 0 {
		t.Fatalf("%s dry run: %d %s", kind, code, body)
	}
	after := registryCounts(t, app)
	after["import_batches"]-- // a dry run records its batch, and nothing else
	sameCounts(t, kind+" dry run", before, after)

	code, rep, body = postImport(t, h, who, kind, ch, false, kind+".csv", []byte(first.csv))
	if code != 200 || rep.Outcome != "applied" || rep.Create != first.create || rep.Update != first.update || rep.Unchanged != first.unchanged {
		t.Fatalf("%s apply: %d %s", kind, code, body)
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_collection": "import_batches", "subject_id": rep.Batch}); n != 1 {
		t.Errorf("%s apply: %d events for the batch, want one", kind, n)
	}
	batch, err := app.FindRecordById("import_batches", rep.Batch)
	if err != nil || batch.GetString("file") == "" || batch.GetString("actor_staff") != testapp.ID(t, "staff:"+who) || batch.GetInt("created") != first.create {
		t.Errorf("%s batch record: %v %v", kind, batch, err)
	}

	code, rep, body = postImport(t, h, who, kind, ch, false, kind+".csv", []byte(first.csv))
	if code != 200 || rep.Create != 0 || rep.Update != 0 || rep.Unchanged != first.create+first.update+first.unchanged {
		t.Fatalf("%s second apply: %d %s", kind, code, body)
	}
	if changed.csv != "" {
		code, rep, body = postImport(t, h, who, kind, ch, false, kind+".csv", []byte(changed.csv))
		if code != 200 || rep.Create != changed.create || rep.Update != changed.update || rep.Unchanged != changed.unchanged {
			t.Fatalf("%s changed row: %d %s", kind, code, body)
		}
	}
	before = registryCounts(t, app)
	code, rep, body = postImport(t, h, who, kind, ch, false, kind+".csv", []byte(bad))
	if code != 400 || rep.Outcome != "refused" || len(rep.Errors) == 0 || rep.Errors[0].Row != badRow || rep.Errors[0].Column != badColumn ||
		!strings.HasPrefix(rep.Errors[0].Message, "第 ") || !strings.Contains(rep.Message, "未导入任何数据") {
		t.Fatalf("%s bad row: %d %s", kind, code, body)
	}
	sameCounts(t, kind+" refused apply", before, registryCounts(t, app))
}

// Buildings, units, residents with their links and parking spaces: the
// registry of the estate ([004] 二 2 业主档案; [000] 前台 3.6), kept by the
// supervisor or the director (docs/DESIGN.md, Registry).
func TestImportRegistry(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	runImportFlow(t, app, h, "supervisor@example.com", "buildings",
		importStep{"楼栋编号,楼栋名称,楼层数,片区\nA1,海棠A1栋,5,一片区\nA2,海棠A2栋,5,\n", 2, 0, 0},
		importStep{"楼栋编号,楼栋名称,楼层数,片区\nA1,海棠A1栋,5,一片区\nA2,海棠A2栋,6,\n", 0, 1, 1},
		"楼栋编号,楼栋名称,楼层数\nA3,x,3\nA4,y,五\n", 3, "楼层数")
	a2, err := app.FindFirstRecordByFilter("buildings", "code = 'A2'")
	if err != nil || a2.GetInt("floors") != 6 {
		t.Fatalf("A2 not updated: %v", a2)
	}

	units := "楼栋编号,房号,楼层,类型,建筑面积,状态,收房日期,入住日期\n" +
		"A1,101,1,住宅,89.5,已入住,2024-06-01,2024/7/15\nA1,102,1,住宅,\"1,024.25\",空置,,\nA2,101,1,商铺,60,已收房,2024-06-01,\n"
	runImportFlow(t, app, h, "director@example.com", "units",
		importStep{units, 3, 0, 0},
		importStep{strings.Replace(units, "A1,102,1,住宅,\"1,024.25\",空置,,", "A1,102,1,住宅,\"1,024.25\",已收房,2024-08-01,", 1), 0, 1, 2},
		"楼栋编号,房号,楼层,类型,面积,状态\nA1,103,1,住宅,80,空置\nA1,104,1,住宅,八十,空置\nA9,101,1,住宅,80,空置\n", 3, "建筑面积")
	u, err := app.FindFirstRecordByFilter("units", "number = '102' && building.code = 'A1'")
	if err != nil || u.GetString("status") != "handed_over" || u.GetString("handed_over_on") != "2024-08-01" || u.GetFloat("area_m2") != 1024.25 {
		t.Fatalf("unit A1-102: %v %v", u, err)
	}
	// The rules of a unit saved alone hold in bulk: an occupied unit needs
	// its dates, a floor lies in its building.
	ch := testapp.ID(t, "community:CH")
	_, rep, body := postImport(t, h, "director@example.com", "units", ch, true, "u.csv",
		[]byte("楼栋编号,房号,楼层,类型,建筑面积,状态\nA1,201,2,住宅,80,已入住\nA1,901,9,住宅,80,空置\nA9,101,1,住宅,80,空置\n"))
	if len(rep.Errors) != 4 || rep.Errors[0].Row != 2 || rep.Errors[2].Row != 3 || rep.Errors[2].Column != "楼层" || !strings.Contains(rep.Errors[3].Message, "请先导入楼栋") {
		t.Fatalf("unit rules: %s", body)
	}

	// Residents: found by phone; 李明 (13800000001) already lives in 翠湖花园,
	// so the link to A1-101 is made at once; a new phone is a new account.
	residents := "姓名,手机号,楼栋编号,房号,关系,起始日期\n欧阳明,13555000001,A1,101,业主,2024-07-15\n司马云,13555000002,A1,101,家属,\n李明,13800000001,A2,101,业主,2024-06-01\n"
	runImportFlow(t, app, h, "supervisor@example.com", "residents",
		importStep{residents, 3, 0, 0},
		importStep{strings.Replace(residents, "司马云,13555000002,A1,101,家属,", "司马云,13555000002,A1,101,租户,", 1), 0, 1, 2},
		"姓名,手机号,楼栋编号,房号,关系\n欧阳明,13555000001,A1,101,业主\n王五,1355500,A1,101,业主\n", 3, "手机号")
	res, err := app.FindFirstRecordByFilter("residents", "phone = '13555000001'")
	if err != nil || res.GetString("name") != "欧阳明" || !slices.Contains(res.GetStringSlice("communities"), ch) {
		t.Fatalf("resident's places not set: %v %v", res, err)
	}
	// Someone who lives in another community only (钱进 of 银杏苑) is linked
	// pending their consent, as at the desk (hooks/accounts_residents.go).
	code, rep, body := postImport(t, h, "supervisor@example.com", "residents", ch, false, "r.csv",
		[]byte("姓名,手机号,楼栋编号,房号,关系\n钱进,13800000021,A1,102,业主\n"))
	if code != 200 || rep.Create != 1 {
		t.Fatalf("pending link: %d %s", code, body)
	}
	qian, _ := app.FindFirstRecordByFilter("residents", "phone = '13800000021'")
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && unit.number = '102' && unit.building.code = 'A1'", dbx.Params{"r": qian.Id})
	if err != nil || !link.GetBool("pending") || link.GetBool("active") {
		t.Fatalf("link to another community's resident not pending: %v %v", link, err)
	}

	runImportFlow(t, app, h, "supervisor@example.com", "parking",
		importStep{"车位编号,所在楼栋,使用方式,房屋楼栋,房号,车牌号,租期至,月租金\nHT-001,A1,未分配,,,,,\nHT-002,A1,产权,A1,101,渝A12345,,\n", 2, 0, 0},
		importStep{"车位编号,所在楼栋,使用方式,房屋楼栋,房号,车牌号,租期至,月租金\nHT-001,A1,月租,A2,101,,2027-06-30,300\nHT-002,A1,产权,A1,101,渝A12345,,\n", 0, 1, 1},
		"车位编号,使用方式,房屋楼栋,房号\nHT-003,未分配,,\nHT-004,月租,,\n", 3, "房号")
	space, err := app.FindFirstRecordByFilter("parking_spaces", "code = 'HT-001'")
	if err != nil || space.GetString("holding") != "leased" || space.GetInt("monthly_fee_fen") != 30000 || space.GetString("unit") == "" {
		t.Fatalf("space HT-001: %v %v", space, err)
	}
}

// Opening arrears (期初欠费, the 上季度欠费 of the cashier's receivable
// statement, [000] 收费员 4.2.1.2) are bills of the unit, fee item and period, marked as opening arrears; a
// second import of the same file does not bill the unit twice, and an
// amount already billed is never changed by an import: money is corrected
// at the cashier's, not overwritten.
func TestImportOpeningArrears(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	file := "楼栋编号,房号,收费项目编号,账期,欠费金额\n1,103,WY,2025-06,\"1,234.50\"\n2,101,WY,2025-Q2,256.8\n"
	runImportFlow(t, app, h, "cashier@example.com", "opening_arrears",
		importStep{file, 2, 0, 0}, importStep{},
		"楼栋编号,房号,收费项目编号,账期,欠费金额\n1,104,WY,2025-06,100\n1,105,WY,2025-06,12.345\n", 3, "欠费金额")
	b, err := app.FindFirstRecordByFilter("bills", "unit.number = '103' && unit.building.code = '1' && period = '2025-06'")
	if err != nil || b.GetInt("amount_fen") != 123450 || b.GetString("source") != "期初欠费" || !strings.HasPrefix(b.GetString("serial"), "ZD-") || b.GetString("status") != "issued" {
		t.Fatalf("opening bill: %v %v", b, err)
	}
	ch := testapp.ID(t, "community:CH")
	_, rep, body := postImport(t, h, "cashier@example.com", "opening_arrears", ch, true, "a.csv",
		[]byte(strings.Replace(file, "\"1,234.50\"", "1300", 1)))
	if len(rep.Errors) != 1 || rep.Errors[0].Row != 2 || !strings.Contains(rep.Errors[0].Message, "不能通过导入修改") {
		t.Fatalf("changed opening amount: %s", body)
	}
}

// Meter readings go forward only and are never changed (the utilities are
// billed monthly from them, [000] 收费员 4.1.5; hooks/fees_meter_readings.go): the import applies the same rules
// as a reading taken on screen, the file's own readings included.
func TestImportMeterReadings(t *testing.T) {
	// Building 2's water meters carry the demo's meter walk (demo/meters.go)
	// but 2-101's: the other flats' readings here are of their electricity.
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	file := "楼栋编号,房号,表类,抄表日期,读数\n2,101,水表,2026-10-31,100\n2,101,水表,2026-11-30,120.5\n2,102,电表,2026-11-30,3000\n"
	runImportFlow(t, app, h, "areamgr@example.com", "meter_readings",
		importStep{file, 3, 0, 0}, importStep{},
		"楼栋编号,房号,表类,抄表日期,读数\n2,103,电表,2026-11-30,5\n2,101,水表,2026-11-15,130\n", 3, "读数")
	r, err := app.FindFirstRecordByFilter("meter_readings", "unit.number = '101' && unit.building.code = '2' && read_on = '2026-11-30'")
	if err != nil || r.GetFloat("reading") != 120.5 || r.GetString("read_by") != testapp.ID(t, "staff:areamgr@example.com") {
		t.Fatalf("reading: %v %v", r, err)
	}
	ch := testapp.ID(t, "community:CH")
	_, rep, body := postImport(t, h, "cashier@example.com", "meter_readings", ch, true, "m.csv",
		[]byte("楼栋编号,房号,表类,抄表日期,读数\n2,101,水表,2026-11-30,121\n2,104,电表,2026-11-01,50\n2,104,电表,2026-11-20,40\n"))
	if len(rep.Errors) != 2 || !strings.Contains(rep.Errors[0].Message, "读数不能修改") || rep.Errors[1].Row != 4 || !strings.Contains(rep.Errors[1].Message, "只增不减") {
		t.Fatalf("reading rules: %s", body)
	}
	// An area manager imports the readings of their own area only, as they
	// enter them on screen (building 3 is 二片区's, not areamgr's).
	before, _ := app.CountRecords("meter_readings")
	code, rep, body := postImport(t, h, "areamgr@example.com", "meter_readings", ch, false, "m3.csv",
		[]byte("楼栋编号,房号,表类,抄表日期,读数\n3,203,电表,2026-11-30,10\n"))
	if code != 400 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "不在您负责的片区") {
		t.Fatalf("another area's reading: %d %s", code, body)
	}
	if after, _ := app.CountRecords("meter_readings"); after != before {
		t.Fatalf("another area's reading was stored: %d → %d", before, after)
	}
}

// A replaced meter starts again from its new start reading
// (hooks/fees_meter_replacements.go; [000] 收费员 4.1.5): an imported reading
// after the replacement is checked against the new meter, one before it
// against the old meter's final reading.
func TestImportMeterReadingsAcrossReplacement(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	head := "楼栋编号,房号,表类,抄表日期,读数\n"
	if code, rep, body := postImport(t, h, "cashier@example.com", "meter_readings", ch, false, "a.csv", []byte(head+"2,103,电表,2026-09-30,5000\n")); code != 200 || rep.Create != 1 {
		t.Fatalf("first reading: %d %s", code, body)
	}
	col, _ := app.FindCollectionByNameOrId("meter_replacements")
	rep := core.NewRecord(col)
	rep.Load(map[string]any{"unit": testapp.ID(t, "unit:2-103"), "meter": "electric", "old_final_reading": 5100, "new_start_reading": 0,
		"replaced_on": "2026-10-15", "reason": "电表损坏", "new_meter_no": "DB-2026-0103"})
	if err := hooks.RecordMeterReplacement(app, rep, staffRec(t, app, "areamgr@example.com")); err != nil {
		t.Fatal(err)
	}
	if code, rep, body := postImport(t, h, "cashier@example.com", "meter_readings", ch, false, "b.csv", []byte(head+"2,103,电表,2026-10-31,40\n")); code != 200 || rep.Create != 1 {
		t.Fatalf("the new meter's first reading was refused: %d %s", code, body)
	}
	_, got, body := postImport(t, h, "cashier@example.com", "meter_readings", ch, true, "c.csv",
		[]byte(head+"2,103,电表,2026-10-10,5200\n2,103,电表,2026-11-30,30\n2,103,电表,2026-10-15,3\n"))
	if len(got.Errors) != 2 || got.Errors[0].Row != 2 || !strings.Contains(got.Errors[0].Message, "旧表的最终读数 5100") ||
		got.Errors[1].Row != 3 || !strings.Contains(got.Errors[1].Message, "只增不减") {
		t.Fatalf("readings around the replacement: %s", body)
	}
}

// Offices export from old systems in GBK; an .xlsx works as well as a CSV.
func TestImportEncodingsAndXLSX(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("楼栋编号,楼栋名称,楼层数\nG1,国标楼,7\n")
	code, rep, body := postImport(t, h, "director@example.com", "buildings", ch, false, "gbk.csv", []byte(gbk))
	if code != 200 || rep.Create != 1 {
		t.Fatalf("GBK: %d %s", code, body)
	}
	if b, err := app.FindFirstRecordByFilter("buildings", "code = 'G1'"); err != nil || b.GetString("name") != "国标楼" {
		t.Fatalf("GBK name: %v %v", b, err)
	}
	// The template itself, filled in, is an import.
	tpl := httptest.NewRequest(http.MethodGet, "/api/wuye/imports/templates/buildings?sample=1", nil)
	tpl.Header.Set("Authorization", testapp.Token(t, "director@example.com"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, tpl)
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if rec.Code != 200 || err != nil {
		t.Fatalf("template: %d %v", rec.Code, err)
	}
	if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[1] != "填写说明" {
		t.Fatalf("template sheets %v", sheets)
	}
	code, rep, body = postImport(t, h, "director@example.com", "buildings", ch, false, "sample.xlsx", rec.Body.Bytes())
	if code != 200 || rep.Create != 2 {
		t.Fatalf("sample .xlsx: %d %s", code, body)
	}
	// A header that is not the template's is one clear error.
	_, rep, body = postImport(t, h, "director@example.com", "units", ch, true, "x.csv", []byte("楼号,门牌\n1,101\n"))
	if len(rep.Errors) != 1 || rep.Errors[0].Row != 1 || !strings.Contains(rep.Errors[0].Message, "缺少必填列") {
		t.Fatalf("header: %s", body)
	}
}

// Who may import (docs/DESIGN.md, Import): the registry's writers of the
// community; the cashier the opening arrears and readings, the area
// manager the readings; nobody for another community.
func TestImportWho(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	file := []byte("楼栋编号,楼层数\nZ1,3\n")
	for _, c := range []struct {
		who, kind string
		want      int
	}{
		{"frontdesk@example.com", "buildings", 403},
		{"cashier@example.com", "buildings", 403},
		{"supervisor.yx@example.com", "buildings", 403},
		{"areamgr@example.com", "opening_arrears", 403},
		{"tech1@example.com", "meter_readings", 403},
		{"owner1@example.com", "buildings", 403},
		{"", "buildings", 401},
		{"supervisor@example.com", "buildings", 200},
	} {
		before := registryCounts(t, app)
		code, _, body := postImport(t, h, c.who, c.kind, ch, c.want != 200, "f.csv", file)
		if code != c.want {
			t.Errorf("%s importing %s: %d %s", c.who, c.kind, code, body)
		}
		if c.want != 200 {
			sameCounts(t, c.who, before, registryCounts(t, app))
		}
	}
	if n, _ := app.CountRecords("import_batches", dbx.HashExp{"actor_staff": testapp.ID(t, "staff:frontdesk@example.com")}); n != 0 {
		t.Errorf("a refused caller left a batch")
	}
}
