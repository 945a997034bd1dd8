package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
)

// households are demo residents of 翠湖花园, each of another unit: email and
// unit id.
func households(t testing.TB, app core.App, n int) [][2]string {
	t.Helper()
	var rows []struct {
		Email string `db:"email"`
		Unit  string `db:"unit"`
	}
	err := app.DB().NewQuery(`SELECT MIN(r.email) AS email, l.unit FROM unit_residents l JOIN residents r ON r.id = l.resident
		JOIN units u ON u.id = l.unit WHERE l.active = TRUE AND u.community = {:c} AND r.email LIKE 'resident%'
		GROUP BY l.unit ORDER BY l.unit LIMIT {:n}`).Bind(dbx.Params{"c": testapp.ID(t, "community:CH"), "n": n}).All(&rows)
	if err != nil || len(rows) < n {
		t.Fatalf("%d households: %v (%d)", n, err, len(rows))
	}
	out := make([][2]string, n)
	for i, r := range rows {
		out[i] = [2]string{r.Email, r.Unit}
	}
	return out
}

const surveyQuestionsJSON = `[{"id":"overall","type":"rating","title":"总体满意度","required":true},
	{"id":"best","type":"single","title":"最满意的服务","options":["客服","维修","保洁"]},
	{"id":"want","type":"multiple","title":"希望改进","options":["绿化","停车","安保"]},
	{"id":"words","type":"text","title":"意见建议"}]`

func draftSurvey(t *testing.T, h http.Handler, kind, extra string) string {
	t.Helper()
	body := `{"community":"` + testapp.ID(t, "community:CH") + `","title":"2026 年度业主满意度调查","kind":"` + kind + `","audience":"community","questions":` + surveyQuestionsJSON + extra + `}`
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/surveys/records", body, "frontdesk@example.com")
	if code != 200 {
		t.Fatalf("the desk drafts a survey: %d %s", code, resp)
	}
	var s struct{ ID, Status string }
	_ = json.Unmarshal([]byte(resp), &s)
	if s.Status != "draft" {
		t.Fatalf("a new survey is %q", s.Status)
	}
	return s.ID
}

func setSurveyStatus(t *testing.T, h http.Handler, id, status, who string) (int, string) {
	t.Helper()
	return testapp.Do(t, h, http.MethodPatch, "/api/collections/surveys/records/"+id, `{"status":"`+status+`"}`, who)
}

func answer(t *testing.T, h http.Handler, survey, unit, who, answers string) (int, string) {
	t.Helper()
	return testapp.Do(t, h, http.MethodPost, "/api/collections/survey_responses/records",
		`{"survey":"`+survey+`","unit":"`+unit+`","resident":"x","answers":`+answers+`}`, who)
}

// [000] 管理员 4.6.2 (征询意见调查表): a survey's questions are checked when it
// is written; it is put to the households while open, each household
// answers once, the answers must fit the questions, and a closed survey
// takes no more. The return rate is counted against 70 %.
func TestSurveyOneResponsePerHousehold(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	community := testapp.ID(t, "community:CH")
	for _, bad := range []string{`[{"id":"a","type":"single","title":"x","options":["only"]}]`, `[{"id":"a","type":"rating","title":""}]`,
		`[{"id":"a","type":"essay","title":"x"}]`, `[{"id":"a","type":"text","title":"x"},{"id":"a","type":"text","title":"y"}]`, `{"id":"a"}`,
		`[{"id":"A B","type":"text","title":"x"}]`, `[{"id":"a","type":"rating","title":"x","options":["1"]}]`} {
		code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/surveys/records",
			`{"community":"`+community+`","title":"x","kind":"general","audience":"community","questions":`+bad+`}`, "frontdesk@example.com")
		if code != 400 || !strings.Contains(resp, "questions") {
			t.Errorf("questions %s: %d %s", bad, code, resp)
		}
	}
	id := draftSurvey(t, h, "general", "")
	// Nobody answers a draft, nor sees it.
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/surveys/records/"+id, "", "owner1@example.com"); code != 404 {
		t.Errorf("owner1 sees a draft: %d", code)
	}
	if code, resp := answer(t, h, id, testapp.ID(t, "unit:1-101"), "owner1@example.com", `{"overall":5}`); code != 400 {
		t.Errorf("answering a draft: %d %s", code, resp)
	}
	if code, resp := setSurveyStatus(t, h, id, "open", "tech1@example.com"); code < 400 {
		t.Errorf("a technician opens a survey: %d %s", code, resp)
	}
	if code, resp := setSurveyStatus(t, h, id, "open", "frontdesk@example.com"); code != 200 {
		t.Fatalf("the desk opens the survey: %d %s", code, resp)
	}
	if code, resp := testapp.Do(t, h, http.MethodPatch, "/api/collections/surveys/records/"+id, `{"questions":[]}`, "frontdesk@example.com"); code != 400 {
		t.Errorf("questions changed once open: %d %s", code, resp)
	}

	unit := testapp.ID(t, "unit:1-101")
	for _, bad := range []string{`{}`, `{"overall":6}`, `{"overall":4.5}`, `{"overall":"5"}`, `{"overall":5,"best":"绿化"}`,
		`{"overall":5,"want":["停车","停车"]}`, `{"overall":5,"extra":1}`, `[5]`} {
		if code, resp := answer(t, h, id, unit, "owner1@example.com", bad); code != 400 || !strings.Contains(resp, "answers") {
			t.Errorf("answers %s: %d %s", bad, code, resp)
		}
	}
	// Only someone who lives there answers for a unit.
	if code, resp := answer(t, h, id, unit, "owner2@example.com", `{"overall":5}`); code < 400 {
		t.Errorf("owner2 answers for 1-101: %d %s", code, resp)
	}
	if code, resp := answer(t, h, id, unit, "tenant1@example.com", `{"overall":4,"best":"维修","want":["绿化","安保"],"words":"电梯要修"}`); code != 200 {
		t.Fatalf("1-101's tenant answers: %d %s", code, resp)
	}
	// The second member of the household is told it has answered.
	code, resp := answer(t, h, id, unit, "owner1@example.com", `{"overall":2}`)
	if code != 400 || !strings.Contains(resp, "您家已填写过这份调查") {
		t.Errorf("1-101's owner answers again: %d %s", code, resp)
	}
	if n := countIn(t, app, "survey_responses", dbx.HashExp{"survey": id}); n != 1 {
		t.Errorf("%d responses, want 1", n)
	}
	// The other households see it and answer.
	hh := households(t, app, 2)
	for _, x := range hh {
		if code, resp := answer(t, h, id, x[1], x[0], `{"overall":5,"best":"客服"}`); code != 200 {
			t.Fatalf("%s answers: %d %s", x[0], code, resp)
		}
	}
	// The return rate: responses against the households lived in.
	code, resp = testapp.Do(t, h, http.MethodGet, "/api/wuye/surveys/"+id+"/results", "", "supervisor@example.com")
	var res hooks.SurveyResult
	_ = json.Unmarshal([]byte(resp), &res)
	var lived int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM units u WHERE u.community = {:c} AND EXISTS (SELECT 1 FROM unit_residents l WHERE l.unit = u.id AND l.active = TRUE)`).
		Bind(dbx.Params{"c": community}).Row(&lived)
	if code != 200 || res.Responses != 3 || res.Households != lived || res.Target != 0.7 || len(res.Questions) != 4 {
		t.Fatalf("results: %d %s (want 3 of %d)", code, resp, lived)
	}
	if rate, _ := res.ReturnRate.(float64); rate < 3.0/float64(lived)-0.001 || rate > 3.0/float64(lived)+0.001 {
		t.Errorf("return rate %v, want 3/%d", res.ReturnRate, lived)
	}
	q := res.Questions
	if q[0].Counts["5"] != 2 || q[0].Counts["4"] != 1 || q[0].Average != 4.67 || q[1].Counts["客服"] != 2 || q[1].Counts["维修"] != 1 ||
		q[2].Counts["绿化"] != 1 || q[2].Counts["停车"] != 0 || len(q[3].Texts) != 1 || q[3].Answered != 1 {
		t.Errorf("tallies: %s", resp)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/surveys/"+id+"/results", "", "frontdesk.yx@example.com"); code != 404 {
		t.Errorf("the other community's desk reads the results: %d", code)
	}
	code, resp = testapp.Do(t, h, http.MethodGet, "/api/wuye/surveys/"+id+"/export", "", "supervisor@example.com")
	if code != 200 || !strings.HasPrefix(resp, "PK") {
		t.Errorf("export: %d", code)
	}

	// Closed: no more answers.
	if code, resp := setSurveyStatus(t, h, id, "closed", "supervisor@example.com"); code != 200 {
		t.Fatalf("closing: %d %s", code, resp)
	}
	x := households(t, app, 3)[2]
	if code, resp := answer(t, h, id, x[1], x[0], `{"overall":5}`); code != 400 || !strings.Contains(resp, "未在进行中") {
		t.Errorf("answering a closed survey: %d %s", code, resp)
	}
	if code, _ := setSurveyStatus(t, h, id, "open", "supervisor@example.com"); code != 400 {
		t.Errorf("reopening a closed survey: %d", code)
	}
	var evs int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM events WHERE subject_collection = 'surveys' AND subject_id = {:id}`).Bind(dbx.Params{"id": id}).Row(&evs)
	if evs != 3 {
		t.Errorf("%d survey events, want drafted, opened, closed", evs)
	}
}

// [002] 三 3.4, [004] 六 12: the year's owner satisfaction (target ≥ 90 %)
// is the satisfied share (4 or 5 of 5) of the ratings of the annual
// satisfaction survey; an ordinary survey's ratings do not count.
func TestSurveySatisfactionFeedsDashboard(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	community := testapp.ID(t, "community:CH")
	month := clock.Now().Format("2006-01")
	dash := func() any {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/dashboard?community="+community+"&month="+month, "", "supervisor@example.com")
		var d struct {
			AnnualSatisfaction any `json:"annual_satisfaction"`
		}
		if code != 200 || json.Unmarshal([]byte(body), &d) != nil {
			t.Fatalf("dashboard: %d %s", code, body)
		}
		return d.AnnualSatisfaction
	}
	base := dash()
	general := draftSurvey(t, h, "general", "")
	sat := draftSurvey(t, h, "satisfaction", "")
	for _, id := range []string{general, sat} {
		if code, resp := setSurveyStatus(t, h, id, "open", "supervisor@example.com"); code != 200 {
			t.Fatalf("opening: %d %s", code, resp)
		}
	}
	hh := households(t, app, 3)
	for i, rating := range []string{"5", "4", "2"} {
		if code, resp := answer(t, h, sat, hh[i][1], hh[i][0], `{"overall":`+rating+`}`); code != 200 {
			t.Fatalf("answer: %d %s", code, resp)
		}
		if code, resp := answer(t, h, general, hh[i][1], hh[i][0], `{"overall":1}`); code != 200 {
			t.Fatalf("answer: %d %s", code, resp)
		}
	}
	got := dash()
	if base != nil && base != got {
		t.Logf("the demo's satisfaction was %v", base)
	}
	want, err := hooks.AnnualSatisfaction(app, community, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if base == nil && (got != 0.6667 || want != 0.6667) {
		t.Errorf("annual satisfaction %v (%v), want 2 of 3 = 0.6667", got, want)
	}
	if base != nil && got == base {
		t.Errorf("the satisfaction survey did not move the KPI: %v", got)
	}
}
