package hooks_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/internal/testapp"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testapp.Remove()
	os.Exit(code)
}

// unchanged asserts after a refused request that collection still has the
// count of records it had before (the template's count).
func unchanged(collection string, want int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		n, err := app.CountRecords(collection)
		if err != nil || int(n) != want {
			t.Fatalf("%s count = %d (%v), want %d: a refused request wrote something", collection, n, err, want)
		}
	}
}

func urlq(s string) string { return url.QueryEscape(s) }

func count(t testing.TB, collection string, where ...dbx.Expression) int {
	t.Helper()
	app := testapp.New(t)
	n, err := app.CountRecords(collection, where...)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestResidentSeesOnlyOwnUnits(t *testing.T) {
	u101, u102 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "unit:1-102")
	scenarios := []tests.ApiScenario{
		{
			Name:            "owner lists units: only the linked one",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records",
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`, `"id":"` + u101 + `"`},
		},
		{
			Name:            "tenant sees the unit they rent",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records/" + u101,
			Headers:         testapp.Auth(t, "tenant1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"number":"101"`},
		},
		{
			Name:            "owner cannot view the neighbour's unit",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records/" + u102,
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"message":"未找到该记录，或您无权查看/修改"`},
		},
		{
			// former1's link to 1-102 has ended while owner2's is current:
			// the rule's conditions must hold for one and the same link row.
			Name:            "a former tenant sees nothing of the unit",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records?filter=number='102'",
			Headers:         testapp.Auth(t, "former1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:            "a filter cannot widen a resident's view",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records?filter=" + urlq(`id!=""||number="102"`),
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`},
		},
		{
			// Filters through relations obey the related collection's rules:
			// the tenant's link and phone cannot be probed by the owner …
			Name:            "no side channel to a co-resident's phone through a filter",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records?filter=" + urlq(`unit_residents_via_unit.resident.phone?="13800000002"`),
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  400, // filtering on a field hidden from residents is refused (hooks/guard_queries.go)
			ExpectedContent: []string{`residents.phone`},
		},
		{
			Name:            "nor to the existence of a tenant",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records?filter=" + urlq(`unit_residents_via_unit.relation?="tenant"`),
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
		{
			// … while the same filter on the owner's own link matches.
			Name:            "the same filter on one's own link matches",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records?filter=" + urlq(`unit_residents_via_unit.resident?="`+testapp.ID(t, "residents:owner1@example.com")+`"`),
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`},
		},
		{
			Name:            "buildings: only the one the resident lives in",
			Method:          http.MethodGet,
			URL:             "/api/collections/buildings/records",
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`, `"code":"1"`},
		},
		{
			Name:            "communities: only the resident's own",
			Method:          http.MethodGet,
			URL:             "/api/collections/communities/records",
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`, `"code":"CH"`},
		},
		{
			Name:               "link rows: only the resident's own, not the tenant's or family's",
			Method:             http.MethodGet,
			URL:                "/api/collections/unit_residents/records",
			Headers:            testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `"relation":"owner"`},
			NotExpectedContent: []string{`"relation":"tenant"`, `"relation":"family"`},
		},
		{
			Name:               "residents: only themselves",
			Method:             http.MethodGet,
			URL:                "/api/collections/residents/records",
			Headers:            testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `"name":"李明"`},
			NotExpectedContent: []string{`张伟`, `13800000002`},
		},
		{
			Name:            "residents see no staff",
			Method:          http.MethodGet,
			URL:             "/api/collections/staff/records",
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:            "guests see nothing",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records",
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:   "a resident cannot link themselves to a unit",
			Method: http.MethodPost,
			URL:    "/api/collections/unit_residents/records",
			Body: strings.NewReader(`{"unit":"` + u102 + `","resident":"` +
				testapp.ID(t, "residents:owner1@example.com") + `","relation":"owner"}`),
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"无法创建：数据不符合要求或无权操作"`},
			AfterTestFunc:   unchanged("unit_residents", count(t, "unit_residents")),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

func TestStaffScopeAndRegistryWrites(t *testing.T) {
	u101 := testapp.ID(t, "unit:1-101")
	b1 := testapp.ID(t, "building:CH-1")
	units := count(t, "units")
	scenarios := []tests.ApiScenario{
		{
			Name:            "staff of another community list none of its units",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records?perPage=200",
			Headers:         testapp.Auth(t, "frontdesk.yx@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":8`},
			NotExpectedContent: []string{
				`"community":"` + testapp.ID(t, "community:CH") + `"`,
			},
		},
		{
			Name:            "nor view one",
			Method:          http.MethodGet,
			URL:             "/api/collections/units/records/" + u101,
			Headers:         testapp.Auth(t, "frontdesk.yx@example.com"),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"data":{}`},
		},
		{
			Name:               "nor see its residents",
			Method:             http.MethodGet,
			URL:                "/api/collections/residents/records?perPage=200",
			Headers:            testapp.Auth(t, "frontdesk.yx@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `钱进`},
			NotExpectedContent: []string{`李明`},
		},
		{
			Name:               "nor its staff",
			Method:             http.MethodGet,
			URL:                "/api/collections/staff/records",
			Headers:            testapp.Auth(t, "frontdesk.yx@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`},
			NotExpectedContent: []string{`director@example.com`, `周建国`},
		},
		{
			Name:            "a technician cannot change a unit",
			Method:          http.MethodPatch,
			URL:             "/api/collections/units/records/" + u101,
			Body:            strings.NewReader(`{"area_m2": 200}`),
			Headers:         testapp.Auth(t, "tech1@example.com"),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"data":{}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				u, _ := app.FindRecordById("units", u101)
				if u.GetFloat("area_m2") == 200 {
					t.Fatal("the technician's change was saved")
				}
			},
		},
		{
			Name:            "a technician cannot add a unit",
			Method:          http.MethodPost,
			URL:             "/api/collections/units/records",
			Body:            strings.NewReader(`{"building":"` + b1 + `","number":"701","floor":6,"type":"residential","area_m2":90,"status":"vacant"}`),
			Headers:         testapp.Auth(t, "tech1@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"无法创建`},
			AfterTestFunc:   unchanged("units", units),
		},
		{
			Name:            "a supervisor of another community cannot add a unit here",
			Method:          http.MethodPost,
			URL:             "/api/collections/units/records",
			Body:            strings.NewReader(`{"building":"` + b1 + `","number":"701","floor":6,"type":"residential","area_m2":90,"status":"vacant"}`),
			Headers:         testapp.Auth(t, "supervisor.yx@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"无法创建`},
			AfterTestFunc:   unchanged("units", units),
		},
		{
			Name:            "the supervisor adds a unit; the community comes from the building; an event is written",
			Method:          http.MethodPost,
			URL:             "/api/collections/units/records",
			Body:            strings.NewReader(`{"building":"` + b1 + `","number":"605","floor":6,"type":"residential","area_m2":89.37,"status":"vacant"}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"number":"605"`, `"community":"` + testapp.ID(t, "community:CH") + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				unchanged("units", units+1)(t, app, res)
				ev, err := app.FindFirstRecordByFilter("events", "subject_collection='units' && action='create'")
				if err != nil || ev.GetString("actor_staff") != testapp.ID(t, "staff:supervisor@example.com") || ev.GetString("to") != "vacant" {
					t.Fatalf("create event missing or wrong: %v %v", ev, err)
				}
			},
		},
		{
			Name:    "a status change is recorded with from and to",
			Method:  http.MethodPatch,
			URL:     "/api/collections/units/records/" + testapp.ID(t, "unit:1-203"),
			Body:    strings.NewReader(`{"status":"handed_over","handed_over_on":"2026-11-20"}`),
			Headers: testapp.Auth(t, "director@example.com"),
			// 1-203 is vacant in the demo (seq 7).
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"handed_over"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				ev, err := app.FindFirstRecordByFilter("events", "subject_id={:id} && action='status'", dbx.Params{"id": testapp.ID(t, "unit:1-203")})
				if err != nil || ev.GetString("from") != "vacant" || ev.GetString("to") != "handed_over" ||
					ev.GetString("actor_staff") != testapp.ID(t, "staff:director@example.com") {
					t.Fatalf("status event missing or wrong: %v %v", ev, err)
				}
			},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

func TestUnitValidation(t *testing.T) {
	b1 := testapp.ID(t, "building:CH-1")
	b3 := testapp.ID(t, "building:CH-3")
	yx := testapp.ID(t, "community:YX")
	units := count(t, "units")
	post := func(name, body string, want ...string) tests.ApiScenario {
		return tests.ApiScenario{
			Name:            name,
			Method:          http.MethodPost,
			URL:             "/api/collections/units/records",
			Body:            strings.NewReader(body),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: want,
			AfterTestFunc:   unchanged("units", units),
		}
	}
	scenarios := []tests.ApiScenario{
		post("unit number unique per building",
			`{"building":"`+b1+`","number":"101","floor":1,"type":"residential","area_m2":89,"status":"vacant"}`,
			`"message":"房号：该楼栋已有房号 101"`, `"code":"wuye_unit_number_taken"`),
		post("area must be positive",
			`{"building":"`+b1+`","number":"701","floor":6,"type":"residential","area_m2":-3,"status":"vacant"}`,
			`"message":"建筑面积：建筑面积必须大于 0"`),
		post("move-in before handover",
			`{"building":"`+b1+`","number":"701","floor":6,"type":"residential","area_m2":90,"status":"occupied","handed_over_on":"2025-05-01","moved_in_on":"2025-04-01"}`,
			`"message":"入住日期：不能早于收房日期"`),
		post("not a real date",
			`{"building":"`+b1+`","number":"701","floor":6,"type":"residential","area_m2":90,"status":"handed_over","handed_over_on":"2025-02-30"}`,
			`"code":"wuye_date_invalid"`),
		post("occupied needs a move-in date",
			`{"building":"`+b1+`","number":"701","floor":6,"type":"residential","area_m2":90,"status":"occupied","handed_over_on":"2025-05-01"}`,
			`入住日期：状态为“已入住”时必须填写入住日期`),
		post("community must be the building's",
			`{"building":"`+b1+`","community":"`+yx+`","number":"701","floor":6,"type":"residential","area_m2":90,"status":"vacant"}`,
			`"message":"小区：与所属楼栋不在同一小区"`),
		post("floor above the building",
			`{"building":"`+b3+`","number":"401","floor":4,"type":"office","area_m2":90,"status":"vacant"}`,
			`楼层必须在 1 到 3 之间`),
		post("required fields named",
			`{"building":"`+b1+`"}`,
			`"number":{"code":"validation_required","message":"不能为空"}`, `房号：不能为空`),
		post("wrong type",
			`{"building":"`+b1+`","number":"701","floor":"six","type":"residential","area_m2":90,"status":"vacant"}`,
			`"floor"`),
		{
			Name:            "English on request",
			Method:          http.MethodPost,
			URL:             "/api/collections/units/records",
			Body:            strings.NewReader(`{"building":"` + b1 + `","number":"101","floor":1,"type":"residential","area_m2":89,"status":"vacant"}`),
			Headers:         map[string]string{"Authorization": testapp.Token(t, "supervisor@example.com"), "Accept-Language": "en-US,en;q=0.9"},
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"Unit number: Building already has unit 101."`},
			AfterTestFunc:   unchanged("units", units),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

func TestLinksAndStaffAccounts(t *testing.T) {
	u102 := testapp.ID(t, "unit:1-102")
	owner2 := testapp.ID(t, "residents:owner2@example.com")
	links := count(t, "unit_residents")
	scenarios := []tests.ApiScenario{
		{
			Name:            "a resident cannot have two current links to one unit",
			Method:          http.MethodPost,
			URL:             "/api/collections/unit_residents/records",
			Body:            strings.NewReader(`{"unit":"` + u102 + `","resident":"` + owner2 + `","relation":"family"}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`该住户与此房屋已有有效的登记`},
			AfterTestFunc:   unchanged("unit_residents", links),
		},
		{
			Name:            "end before start",
			Method:          http.MethodPost,
			URL:             "/api/collections/unit_residents/records",
			Body:            strings.NewReader(`{"unit":"` + testapp.ID(t, "unit:1-103") + `","resident":"` + owner2 + `","relation":"family","since":"2026-05-01","until":"2026-04-01"}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`截止日期：不能早于起始日期`},
			AfterTestFunc:   unchanged("unit_residents", links),
		},
		{
			Name:            "front desk cannot promote themselves",
			Method:          http.MethodPatch,
			URL:             "/api/collections/staff/records/" + testapp.ID(t, "staff:frontdesk@example.com"),
			Body:            strings.NewReader(`{"role":"director"}`),
			Headers:         testapp.Auth(t, "frontdesk@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`只有管理处主任可以修改岗位`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				r, _ := app.FindRecordById("staff", testapp.ID(t, "staff:frontdesk@example.com"))
				if r.GetString("role") != "front_desk" {
					t.Fatal("role changed")
				}
			},
		},
		{
			// A phone is changed by a code sent to the new number (hooks/accounts_phone.go).
			Name:            "nor their own phone directly",
			Method:          http.MethodPatch,
			URL:             "/api/collections/staff/records/" + testapp.ID(t, "staff:frontdesk@example.com"),
			Body:            strings.NewReader(`{"phone":"13911112222"}`),
			Headers:         testapp.Auth(t, "frontdesk@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`wuye_phone_needs_code`},
		},
		{
			Name:            "a director cannot hand out a community they do not run",
			Method:          http.MethodPatch,
			URL:             "/api/collections/staff/records/" + testapp.ID(t, "staff:tech1@example.com"),
			Body:            strings.NewReader(`{"communities+":"` + testapp.ID(t, "community:YX") + `"}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`不能分配您不负责的小区`},
		},
		{
			Name:            "a new staff account needs a community",
			Method:          http.MethodPost,
			URL:             "/api/collections/staff/records",
			Body:            strings.NewReader(`{"email":"new@example.com","name":"新人","phone":"13900000099","role":"technician","password":"long-enough-1","passwordConfirm":"long-enough-1"}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"所属小区：不能为空"`},
			AfterTestFunc:   unchanged("staff", count(t, "staff")),
		},
		{
			Name:            "a director hires a technician for their community; the account is active",
			Method:          http.MethodPost,
			URL:             "/api/collections/staff/records",
			Body:            strings.NewReader(`{"email":"new@example.com","name":"新人","phone":"13900000099","role":"technician","communities":["` + testapp.ID(t, "community:CH") + `"],"password":"long-enough-1","passwordConfirm":"long-enough-1"}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"active":true`, `"role":"technician"`},
			AfterTestFunc:   unchanged("staff", count(t, "staff")+1),
		},
		{
			Name:            "a supervisor cannot hire",
			Method:          http.MethodPost,
			URL:             "/api/collections/staff/records",
			Body:            strings.NewReader(`{"email":"new@example.com","name":"新人","phone":"13900000099","role":"technician","communities":["` + testapp.ID(t, "community:CH") + `"],"password":"long-enough-1","passwordConfirm":"long-enough-1"}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`无法创建`},
			AfterTestFunc:   unchanged("staff", count(t, "staff")),
		},
		{
			Name:            "a director deactivates a technician",
			Method:          http.MethodPatch,
			URL:             "/api/collections/staff/records/" + testapp.ID(t, "staff:tech2@example.com"),
			Body:            strings.NewReader(`{"active":false}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"active":false`},
		},
		{
			Name:            "a deactivated account cannot sign in",
			Method:          http.MethodPost,
			URL:             "/api/collections/staff/auth-with-password",
			Body:            strings.NewReader(`{"identity":"tech2@example.com","password":"demo-pass-2026"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"message":"账号已停用，无法登录"`},
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				r, _ := app.FindAuthRecordByEmail("staff", "tech2@example.com")
				r.Set("active", false)
				if err := app.Save(r); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			Name:            "residents sign in with their phone number",
			Method:          http.MethodPost,
			URL:             "/api/collections/residents/auth-with-password",
			Body:            strings.NewReader(`{"identity":"13800000004","password":"demo-pass-2026"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"token":`, `"name":"王芳"`},
		},
		{
			Name:               "a technician does not see residents' phone numbers",
			Method:             http.MethodGet,
			URL:                "/api/collections/residents/records/" + owner2,
			Headers:            testapp.Auth(t, "tech1@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"name":"王芳"`},
			NotExpectedContent: []string{`13800000004`, `"phone"`},
		},
		{
			Name:            "the front desk does",
			Method:          http.MethodGet,
			URL:             "/api/collections/residents/records/" + owner2,
			Headers:         testapp.Auth(t, "frontdesk@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"phone":"13800000004"`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}
