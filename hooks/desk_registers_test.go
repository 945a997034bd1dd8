package hooks_test

// The front desk's registers (docs/DESIGN.md, "Front desk registers"):
// parcels, lost and found, goods passes and enquiries, through the API as
// each role and resident would use them.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// doForm sends a multipart request (fields and one signature PNG) as email.
func doForm(t *testing.T, h http.Handler, method, url, email string, fields map[string]any, withSignature bool) (int, string) {
	t.Helper()
	var files []upload
	if withSignature {
		files = []upload{{"signature", "signature.png", "image/png", pngBytes}}
	}
	body, ctype := multipartBody(fields, files)
	req := httptest.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", testapp.Token(t, email))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func jsonField(t *testing.T, body, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	s, _ := m[field].(string)
	return s
}

func officeDay() string { return clock.Now().In(workcal.Shanghai).Format(time.DateOnly) }

// TestParcels: mail and parcels at the front desk ([000] 前台 4.2).
func TestParcels(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	u101 := testapp.ID(t, "unit:1-101")
	recv := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/parcels/records", body, who)
	}

	// 4.2.4.1–4.2.4.2: the desk signs for registered mail per unit, with
	// carrier and number, and the household is told the same day — in the
	// portal, at once, each current resident of the unit.
	code, body := recv(`{"unit":"`+u101+`","kind":"registered_mail","carrier":"中国邮政","tracking_no":"XA123456789CN","recipient_name":"李明","status":"picked_up"}`, "frontdesk@example.com")
	expectBody(t, "the desk signs for registered mail", code, body, 200, `"status":"notified"`, `"community":"`+ch+`"`,
		`"received_by":"`+testapp.ID(t, "staff:frontdesk@example.com")+`"`)
	mail := jsonField(t, body, "id")
	for _, who := range []string{"owner1@example.com", "tenant1@example.com", "family1@example.com"} {
		n, _ := app.CountRecords("notifications", dbx.HashExp{"recipient_resident": testapp.ID(t, "residents:"+who), "kind": "parcel_arrived", "subject_id": mail})
		if n != 1 {
			t.Errorf("%s was told %d times of the registered mail", who, n)
		}
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/parcels/records/"+mail, "", "tenant1@example.com")
	expectBody(t, "the household sees its mail in the portal", code, body, 200, `"tracking_no":"XA123456789CN"`)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/parcels/records/"+mail, "", "owner2@example.com")
	expectBody(t, "a neighbour does not", code, body, 404)

	// A unit nobody of which has an account: the parcel waits, received,
	// for the desk's call.
	var empty string
	if err := app.DB().NewQuery(`SELECT u.id FROM units u WHERE u.community = {:c} AND NOT EXISTS
		(SELECT 1 FROM unit_residents r WHERE r.unit = u.id AND r.active = TRUE) LIMIT 1`).Bind(dbx.Params{"c": ch}).Row(&empty); err != nil {
		t.Fatal(err)
	}
	code, body = recv(`{"unit":"`+empty+`","kind":"parcel","carrier":"顺丰","tracking_no":"SF100200300"}`, "frontdesk@example.com")
	expectBody(t, "a parcel for a household without accounts", code, body, 200, `"status":"received"`)
	parcel := jsonField(t, body, "id")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/parcels/records/"+parcel, `{"status":"notified","call_note":"电话通知业主，晚上来取"}`, "frontdesk@example.com")
	expectBody(t, "the desk phones and marks it notified", code, body, 200, `"status":"notified"`)

	// Who receives: the desk and its stand-ins of the unit's community.
	for _, who := range []string{"cashier@example.com", "security@example.com", "frontdesk.yx@example.com", "owner1@example.com"} {
		code, body = recv(`{"unit":"`+u101+`","kind":"letter"}`, who)
		if code == 200 {
			t.Errorf("%s signed for a letter: %s", who, body)
		}
	}

	// 4.2.4: collected against a signature, registered mail against an ID.
	pick := func(id string, fields map[string]any, signed bool) (int, string) {
		return doForm(t, h, http.MethodPatch, "/api/collections/parcels/records/"+id, "frontdesk@example.com", fields, signed)
	}
	code, body = pick(mail, map[string]any{"status": "picked_up", "picked_up_by": "张伟", "picked_up_id_no": "500101199001011234"}, false)
	expectBody(t, "collected without a signature", code, body, 400, `"signature"`)
	code, body = pick(mail, map[string]any{"status": "picked_up", "picked_up_by": "张伟"}, true)
	expectBody(t, "registered mail collected without an ID", code, body, 400, "挂号信须凭身份证件领取")
	code, body = pick(mail, map[string]any{"status": "picked_up", "picked_up_by": "张伟", "picked_up_id_no": "500101199001011234"}, true)
	expectBody(t, "collected with signature and ID", code, body, 200, `"status":"picked_up"`, `"handed_by":"`+testapp.ID(t, "staff:frontdesk@example.com")+`"`)
	code, body = pick(mail, map[string]any{"status": "returned", "return_reason": "再退"}, false)
	expectBody(t, "a collected item is done with", code, body, 400)
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": mail, "to": "picked_up"}); n != 1 {
		t.Errorf("the collection left %d events", n)
	}

	// 4.2.6: what lies uncollected is listed for the evening round's call.
	p, _ := app.FindRecordById("parcels", parcel)
	p.Set("received_at", clock.Now().Add(-4*24*time.Hour))
	if err := app.SaveNoValidate(p); err != nil {
		t.Fatal(err)
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/parcels/overdue?community="+ch, "", "frontdesk@example.com")
	expectBody(t, "the evening round's list", code, body, 200, `"id":"`+parcel+`"`, `"days":3`)
	if strings.Contains(body, mail) {
		t.Errorf("a collected item is on the call list: %s", body)
	}
	for who, want := range map[string]int{"cashier@example.com": 403, "frontdesk.yx@example.com": 403, "owner1@example.com": 403} {
		code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/parcels/overdue?community="+ch, "", who)
		expectBody(t, who+" asks for the call list", code, body, want)
	}

	// 4.2.6.2: nobody comes — returned, with the reason.
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/parcels/records/"+parcel, `{"status":"returned"}`, "frontdesk@example.com")
	expectBody(t, "returned without a reason", code, body, 400, `"return_reason"`)
	held, err := hooks.HeldParcels(app, ch)
	if err != nil {
		t.Fatal(err)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/parcels/records/"+parcel, `{"status":"returned","return_reason":"联系不上业主，退回快递公司"}`, "frontdesk@example.com")
	expectBody(t, "returned", code, body, 200, `"status":"returned"`)
	// The shift handover counts what is still held ([000] 交接班制度 4.1.5).
	if after, _ := hooks.HeldParcels(app, ch); after != held-1 {
		t.Errorf("held parcels %d → %d after a return", held, after)
	}
	code, body = testapp.Do(t, h, http.MethodDelete, "/api/collections/parcels/records/"+parcel, "", "root@example.com")
	expectBody(t, "the register is kept", code, body, 400)
}

// TestLostItems: lost and found ([001] 中汇广场 十二).
func TestLostItems(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	found := clock.Now().Add(-time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")
	foundDay := clock.Now().Add(-time.Hour).In(workcal.Shanghai)
	reg := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/lost_items/records", body, who)
	}
	// 十二 1, 4: registered with time, place, item and finder; a valuable
	// (over 500 yuan) is kept a year, anything else three months.
	code, body := reg(`{"community":"`+ch+`","description":"棕色皮夹（测试），内有身份证和现金约800元","found_at":"`+found+`","found_place":"1栋电梯厅","finder_name":"保洁员刘阿姨","value_class":"valuable","keep_until":"2020-01-01","status":"disposed"}`, "security@example.com")
	expectBody(t, "security registers a valuable", code, body, 200, `"serial":"SW-`, `"status":"held"`,
		`"keep_until":"`+foundDay.AddDate(1, 0, 0).Format(time.DateOnly)+`"`)
	wallet := jsonField(t, body, "id")
	code, body = reg(`{"community":"`+ch+`","description":"蓝色雨伞","found_at":"`+found+`","found_place":"小区东门","finder_name":"业主王先生","value_class":"ordinary"}`, "frontdesk@example.com")
	expectBody(t, "the desk registers an umbrella", code, body, 200, `"keep_until":"`+foundDay.AddDate(0, 3, 0).Format(time.DateOnly)+`"`)
	umbrella := jsonField(t, body, "id")
	code, body = reg(`{"community":"`+ch+`","description":"钥匙","found_at":"`+clock.Now().Add(48*time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")+`","found_place":"车库","finder_name":"保安","value_class":"ordinary"}`, "frontdesk@example.com")
	expectBody(t, "found in the future", code, body, 400, "拾获时间不能晚于现在")
	for _, who := range []string{"cashier@example.com", "frontdesk.yx@example.com", "owner1@example.com"} {
		code, _ = reg(`{"community":"`+ch+`","description":"手套","found_at":"`+found+`","found_place":"大堂","finder_name":"某人","value_class":"ordinary"}`, who)
		if code == 200 {
			t.Errorf("%s registered a found item", who)
		}
	}

	// 十二 3: residents see what is held by its name and day — never who
	// found it, nor the features and place a claimant must state; staff
	// see those.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/found-items?community="+ch, "", "owner1@example.com")
	expectBody(t, "the portal's found items", code, body, 200, `"serial":"SW-`, `"found_at":"`+foundDay.Format(time.DateOnly)+`"`)
	for _, secret := range []string{"刘阿姨", "finder", "棕色皮夹", "800元", "1栋电梯厅", "小区东门", "description", "found_place"} {
		if strings.Contains(body, secret) {
			t.Errorf("the portal shows %q: %s", secret, body)
		}
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/found-items?community="+ch, "", "frontdesk@example.com")
	expectBody(t, "the desk's found items", code, body, 200, "棕色皮夹（测试）", "蓝色雨伞", "1栋电梯厅")
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/found-items?community="+ch, "", "owner.yx@example.com")
	expectBody(t, "a resident of the other community", code, "", 403)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/lost_items/records", "", "owner1@example.com")
	expectBody(t, "residents do not read the register itself", code, body, 200, `"totalItems":0`)

	// 十二 3: claimed with a description, an ID and a signature.
	claim := func(fields map[string]any, signed bool) (int, string) {
		return doForm(t, h, http.MethodPatch, "/api/collections/lost_items/records/"+wallet, "frontdesk@example.com", fields, signed)
	}
	code, body = claim(map[string]any{"status": "claimed", "claimant_name": "李明"}, true)
	expectBody(t, "claimed without an ID", code, body, 400, `"claimant_id_no"`)
	code, body = claim(map[string]any{"status": "claimed", "claimant_name": "李明", "claimant_id_no": "500101198001011234"}, false)
	expectBody(t, "claimed without a signature", code, body, 400, `"signature"`)
	code, body = claim(map[string]any{"status": "claimed", "claimant_name": "李明", "claimant_id_no": "500101198001011234", "claimant_phone": "13800000001"}, true)
	expectBody(t, "claimed", code, body, 200, `"status":"claimed"`)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/found-items?community="+ch, "", "owner1@example.com")
	if code != 200 || strings.Contains(body, "棕色皮夹（测试）") {
		t.Errorf("a claimed item is still listed: %s", body)
	}

	// 十二 4: not before its period; then the manager disposes of it, with
	// a record.
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/lost_items/records/"+umbrella, `{"status":"disposed","disposal_note":"捐赠"}`, "supervisor@example.com")
	expectBody(t, "disposed before its period", code, body, 400, "期满前不能处理")
	later := clock.Now().AddDate(0, 3, 2)
	if n, err := hooks.FlagLostItemsDue(app, later); err != nil || n == 0 {
		t.Fatalf("flagged %d items due: %v", n, err)
	}
	if u, _ := app.FindRecordById("lost_items", umbrella); !u.GetBool("due") {
		t.Error("the umbrella past its three months is not flagged")
	}
	if w, _ := app.FindRecordById("lost_items", wallet); w.GetBool("due") {
		t.Error("a claimed item is flagged")
	}
	if n, _ := hooks.FlagLostItemsDue(app, later.Add(24*time.Hour)); n != 0 {
		t.Errorf("an item flagged due twice")
	}
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "lost_item_due", "subject_id": umbrella}); n == 0 {
		t.Error("the managers were not told")
	}
	restore := hooks.SetNow(func() time.Time { return later })
	defer restore()
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/lost_items/records/"+umbrella, `{"status":"disposed","disposal_note":"捐赠"}`, "frontdesk@example.com")
	expectBody(t, "the desk disposes", code, body, 400)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/lost_items/records/"+umbrella, `{"status":"disposed"}`, "supervisor@example.com")
	expectBody(t, "disposed without a record", code, body, 400, `"disposal_note"`)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/lost_items/records/"+umbrella, `{"status":"disposed","disposal_note":"保管期满无人认领，报公司备案后捐赠"}`, "supervisor@example.com")
	expectBody(t, "the supervisor disposes after the period", code, body, 200, `"status":"disposed"`,
		`"disposed_by":"`+testapp.ID(t, "staff:supervisor@example.com")+`"`)
}

// TestGoodsPasses: goods passes ([001] 中汇广场 十一).
func TestGoodsPasses(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	u101 := testapp.ID(t, "unit:1-101")
	day := officeDay()
	ask := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/goods_passes/records", body, who)
	}
	patch := func(id, body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPatch, "/api/collections/goods_passes/records/"+id, body, who)
	}
	check := func(code, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/wuye/goods-passes/check", `{"code":"`+code+`"}`, who)
	}

	// The tenant asks for furniture to leave today.
	code, body := ask(`{"unit":"`+u101+`","items":"双人床一张、冰箱一台","bulky":true,"valid_on":"`+day+`","status":"approved","tenant":false}`, "tenant1@example.com")
	expectBody(t, "a tenant asks for a pass", code, body, 200, `"status":"requested"`, `"serial":"FX-`, `"tenant":true`, `"applicant_name":"张伟"`)
	pass, passCode := jsonField(t, body, "id"), jsonField(t, body, "code")
	if len(passCode) != 8 {
		t.Fatalf("the pass's code is %q", passCode)
	}
	code, body = ask(`{"unit":"`+u101+`","items":"旧衣物","valid_on":"2020-01-01"}`, "tenant1@example.com")
	expectBody(t, "a pass for a past day", code, body, 400, "出门日期不能早于今天")
	code, _ = ask(`{"unit":"`+testapp.ID(t, "unit:1-102")+`","items":"电视","valid_on":"`+day+`"}`, "tenant1@example.com")
	if code == 200 {
		t.Error("a tenant asked for a pass of another unit")
	}

	// A tenant's furniture leaves only with the owner's consent.
	code, body = patch(pass, `{"status":"approved"}`, "frontdesk@example.com")
	expectBody(t, "the desk confirms without the owner's consent", code, body, 400, "须经业主同意")
	code, body = patch(pass, `{"consent_by":"`+testapp.ID(t, "residents:tenant1@example.com")+`"}`, "tenant1@example.com")
	expectBody(t, "the tenant consents for the owner", code, body, 400)
	code, body = patch(pass, `{"consent_by":"`+testapp.ID(t, "residents:owner1@example.com")+`"}`, "owner1@example.com")
	expectBody(t, "the owner consents in the portal", code, body, 200)
	code, body = patch(pass, `{"status":"approved"}`, "owner1@example.com")
	expectBody(t, "the owner cannot confirm the pass themselves", code, body, 400)
	code, body = patch(pass, `{"status":"approved"}`, "frontdesk@example.com")
	expectBody(t, "the desk confirms", code, body, 200, `"status":"approved"`)
	code, body = patch(pass, `{"status":"used"}`, "frontdesk@example.com")
	expectBody(t, "used without the gate's check", code, body, 400)

	// 十一 2: checked at the gate by its code, once.
	code, _ = check(passCode, "cashier@example.com")
	expectBody(t, "the cashier checks a pass", code, "", 403)
	code, body = check(passCode, "frontdesk.yx@example.com")
	expectBody(t, "the other community's desk", code, body, 404, "没有这张出门条")
	code, body = check(strings.ToLower(passCode), "security@example.com")
	expectBody(t, "security lets the goods out", code, body, 200, `"status":"used"`, "双人床")
	code, body = check(passCode, "security@example.com")
	expectBody(t, "a second check", code, body, 409, "已经使用过")

	// The desk issues one for tomorrow: refused today; an unconfirmed one
	// is refused; one of a past day expires.
	code, body = ask(`{"unit":"`+u101+`","applicant_name":"搬家公司","items":"纸箱10个","valid_on":"`+clock.Now().In(workcal.Shanghai).AddDate(0, 0, 1).Format(time.DateOnly)+`"}`, "frontdesk@example.com")
	expectBody(t, "the desk issues a pass for tomorrow", code, body, 200, `"issued_by":"`+testapp.ID(t, "staff:frontdesk@example.com")+`"`)
	tomorrow, tomorrowCode := jsonField(t, body, "id"), jsonField(t, body, "code")
	code, body = check(tomorrowCode, "security@example.com")
	expectBody(t, "a requested pass at the gate", code, body, 409, "不能放行")
	code, body = patch(tomorrow, `{"status":"approved"}`, "frontdesk@example.com")
	expectBody(t, "confirmed", code, body, 200)
	code, body = check(tomorrowCode, "security@example.com")
	expectBody(t, "a pass of another day at the gate", code, body, 409, "当天有效")
	if n, err := hooks.ExpireGoodsPasses(app, clock.Now().In(workcal.Shanghai).AddDate(0, 0, 2).Format(time.DateOnly)); err != nil || n == 0 {
		t.Fatalf("expired %d passes: %v", n, err)
	}
	if g, _ := app.FindRecordById("goods_passes", pass); g.GetString("status") != "used" {
		t.Errorf("a used pass became %s", g.GetString("status"))
	}
	code, body = check(tomorrowCode, "security@example.com")
	expectBody(t, "an expired pass at the gate", code, body, 409)
	if g, _ := app.FindRecordById("goods_passes", tomorrow); g.GetString("status") != "expired" {
		t.Errorf("the pass is %s", g.GetString("status"))
	}
}

// TestEnquiries: the enquiry register ([000] 前台 4.1.1) and its one-step
// conversion.
func TestEnquiries(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	u101 := testapp.ID(t, "unit:1-101")
	take := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/enquiries/records", body, who)
	}
	before, err := hooks.DeskMonthFigures(app, ch, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, body := take(`{"community":"`+ch+`","unit":"`+u101+`","caller_name":"李明","caller_phone":"13800000001","channel":"phone","topic":"停水通知什么时候恢复","converted_to":"x"}`, "frontdesk@example.com")
	expectBody(t, "the desk takes a call", code, body, 200, `"converted_to":""`, `"taken_by":"`+testapp.ID(t, "staff:frontdesk@example.com")+`"`)
	q := jsonField(t, body, "id")
	code, body = take(`{"community":"`+ch+`","caller_name":"访客","channel":"visit","topic":"小区是否有车位出租","answer":"有，月租300元"}`, "areamgr@example.com")
	expectBody(t, "an area manager answers face to face", code, body, 200)
	code, body = take(`{"community":"`+ch+`","unit":"`+testapp.ID(t, "unit:A-101")+`","caller_name":"钱进","channel":"phone","topic":"问题"}`, "frontdesk@example.com")
	expectBody(t, "a unit of another community", code, body, 400, "房屋不属于这个小区")
	for _, who := range []string{"cashier@example.com", "security@example.com", "frontdesk.yx@example.com", "owner1@example.com"} {
		if code, _ = take(`{"community":"`+ch+`","caller_name":"某人","channel":"phone","topic":"问题"}`, who); code == 200 {
			t.Errorf("%s took an enquiry", who)
		}
	}
	// 4.1.1.2: answered later; nothing else changes.
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/enquiries/records/"+q, `{"answer":"预计今晚18点恢复"}`, "frontdesk@example.com")
	expectBody(t, "answered later", code, body, 200, `"answered_at":"2`)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/enquiries/records/"+q, `{"topic":"改了"}`, "frontdesk@example.com")
	expectBody(t, "the entry is fixed", code, body, 400, `"topic"`)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/enquiries/records/"+q, `{"converted_to":"abc"}`, "frontdesk@example.com")
	expectBody(t, "converted only by converting", code, body, 400, `"converted_to"`)

	// One step: the enquiry becomes a complaint, the caller its contact.
	conv := func(id, body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/wuye/enquiries/"+id+"/convert", body, who)
	}
	code, body = conv(q, `{"to":"nothing"}`, "frontdesk@example.com")
	expectBody(t, "converted into nothing", code, body, 400, "请选择转为投诉还是派工单")
	code, body = conv(q, `{"to":"complaint","category":"engineering"}`, "frontdesk.yx@example.com")
	expectBody(t, "the other community's desk", code, body, 404)
	code, body = conv(q, `{"to":"complaint","category":"engineering"}`, "cashier@example.com")
	expectBody(t, "the cashier", code, body, 404)
	// An area manager takes requests for their own area only ([000] 管理员
	// 3.5, 4.11.1; migration 0065): not by converting an enquiry of another area.
	code, body = conv(q, `{"to":"complaint","category":"engineering"}`, "areamgr2@example.com")
	expectBody(t, "another area's manager", code, body, 403, "只能为本人负责片区的房屋")
	code, body = conv(q, `{"to":"work_order","category":"plumbing"}`, "areamgr2@example.com")
	expectBody(t, "another area's manager, a work order", code, body, 403)
	code, body = conv(q, `{"to":"complaint","category":"engineering","content":"停水两天无人通知，业主投诉"}`, "frontdesk@example.com")
	expectBody(t, "converted to a complaint", code, body, 200, `"collection":"complaints"`, `"serial":"TS-`)
	complaint := jsonField(t, body, "id")
	c, err := app.FindRecordById("complaints", complaint)
	if err != nil || c.GetString("contact_name") != "李明" || c.GetString("unit") != u101 || c.GetString("status") != "received" {
		t.Fatalf("the complaint: %v %v", c, err)
	}
	if e, _ := app.FindRecordById("enquiries", q); e.GetString("converted_to") != complaint || e.GetString("converted_kind") != "complaints" {
		t.Errorf("the enquiry does not name its complaint")
	}
	code, body = conv(q, `{"to":"work_order","category":"plumbing"}`, "frontdesk@example.com")
	expectBody(t, "converted twice", code, body, 409)

	code, body = take(`{"community":"`+ch+`","unit":"`+u101+`","caller_name":"张伟","caller_phone":"13800000002","channel":"phone","topic":"卫生间水龙头漏水"}`, "frontdesk@example.com")
	expectBody(t, "a call that is a repair", code, body, 200)
	code, body = conv(jsonField(t, body, "id"), `{"to":"work_order","category":"plumbing"}`, "frontdesk@example.com")
	expectBody(t, "converted to a work order", code, body, 200, `"collection":"work_orders"`)

	after, _ := hooks.DeskMonthFigures(app, ch, clock.Now())
	if after.Enquiries != before.Enquiries+3 || after.EnquiriesConverted != before.EnquiriesConverted+2 {
		t.Errorf("the month's enquiries %+v → %+v", before, after)
	}
}

// TestDeskRegistersByRole: who reads each register (docs/PERMISSIONS.md):
// the desk, security, area managers, supervisors and the director of the
// community; not the cashier, nor the other community; residents their
// unit's parcels and passes.
func TestDeskRegistersByRole(t *testing.T) {
	seed := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		desk := staffRec(t, app, "frontdesk@example.com")
		u := testapp.ID(t, "unit:1-101")
		ch := testapp.ID(t, "community:CH")
		mk := func(col string, f map[string]any) *core.Record {
			c, _ := app.FindCollectionByNameOrId(col)
			r := core.NewRecord(c)
			for k, v := range f {
				r.Set(k, v)
			}
			return r
		}
		if err := hooks.ReceiveParcel(app, mk("parcels", map[string]any{"unit": u, "kind": "parcel", "tracking_no": "PROBE-P"}), desk); err != nil {
			t.Fatal(err)
		}
		if err := hooks.RegisterLostItem(app, mk("lost_items", map[string]any{"community": ch, "description": "PROBE-L", "found_place": "大堂",
			"finder_name": "某人", "value_class": "ordinary", "found_at": clock.Now().Add(-time.Hour)}), desk); err != nil {
			t.Fatal(err)
		}
		if err := hooks.RequestGoodsPass(app, mk("goods_passes", map[string]any{"unit": u, "applicant_name": "PROBE-G", "items": "箱子",
			"valid_on": officeDay()}), desk); err != nil {
			t.Fatal(err)
		}
		if err := hooks.TakeEnquiry(app, mk("enquiries", map[string]any{"community": ch, "caller_name": "PROBE-E", "channel": "phone", "topic": "问"}), desk); err != nil {
			t.Fatal(err)
		}
	}
	probe := map[string]string{"parcels": "tracking_no='PROBE-P'", "lost_items": "description='PROBE-L'",
		"goods_passes": "applicant_name='PROBE-G'", "enquiries": "caller_name='PROBE-E'"}
	sees := map[string][]string{
		"frontdesk@example.com":     {"parcels", "lost_items", "goods_passes", "enquiries"},
		"supervisor@example.com":    {"parcels", "lost_items", "goods_passes", "enquiries"},
		"director@example.com":      {"parcels", "lost_items", "goods_passes", "enquiries"},
		"security@example.com":      {"parcels", "lost_items", "goods_passes"},
		"areamgr@example.com":       {"parcels", "lost_items", "goods_passes", "enquiries"},
		"cashier@example.com":       {},
		"tech1@example.com":         {},
		"frontdesk.yx@example.com":  {},
		"supervisor.yx@example.com": {},
		"owner1@example.com":        {"parcels", "goods_passes"},
		"tenant1@example.com":       {"parcels", "goods_passes"},
		"owner2@example.com":        {},
	}
	var scenarios []tests.ApiScenario
	for who, cols := range sees {
		for col, filter := range probe {
			want := `"totalItems":0`
			for _, c := range cols {
				if c == col {
					want = `"totalItems":1`
				}
			}
			scenarios = append(scenarios, tests.ApiScenario{
				Name:            who + " lists " + col,
				Method:          http.MethodGet,
				URL:             "/api/collections/" + col + "/records?filter=" + urlq(filter),
				Headers:         testapp.Auth(t, who),
				ExpectedStatus:  200,
				ExpectedContent: []string{want},
				TestAppFactory:  testapp.Factory,
				BeforeTestFunc:  seed,
			})
		}
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
