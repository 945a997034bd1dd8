package hooks_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// Probes of a resident's units (residents.units, migration 0090), as an
// outsider to the code would try them through the API: the rules of
// docs/PERMISSIONS.md read "lives in this unit" from that field, so
// whoever could write it, or read it back, would own or map every
// household's records. docs/DESIGN.md § Registry: only Wuye keeps where a
// resident lives; docs/PERMISSIONS.md § residents: units{superuser}.

// unitsOf is the stored units of resident id.
func unitsOf(t *testing.T, app core.App, id string) []string {
	t.Helper()
	r, err := app.FindRecordById("residents", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetStringSlice("units")
}

// Nobody but Wuye sets units, communities or buildings: not the resident on
// their own account, not staff on a resident they manage, through any
// spelling of the field, a multipart form or the batch API.
func TestResidentUnitsCannotBeSet(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	const tenant = "tenant1@example.com"
	id := testapp.ID(t, "residents:"+tenant)
	u101, a102, u102 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "unit:A-102"), testapp.ID(t, "unit:1-102")
	yx, bA := testapp.ID(t, "community:YX"), testapp.ID(t, "building:YX-A")
	want := []string{u101}
	check := func(what string) {
		t.Helper()
		if got := unitsOf(t, app, id); !slices.Equal(got, want) {
			t.Errorf("%s: units %v, want %v", what, got, want)
		}
		for _, u := range []string{a102, u102} {
			if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+u, "", tenant); code != http.StatusNotFound {
				t.Errorf("%s: the tenant views unit %s: %d", what, u, code)
			}
		}
	}
	bodies := []string{
		`{"+units":["` + a102 + `"]}`,
		`{"units-":["` + u101 + `"],"units+":["` + a102 + `"]}`,
		`{"units":"` + a102 + `"}`,
		`{"Units":["` + a102 + `"],"UNITS":["` + a102 + `"],"units ":["` + a102 + `"]}`,
		`{"units.id":"` + a102 + `","communities":"` + yx + `","+buildings":"` + bA + `"}`,
		`{"name":"租户一","units":["` + a102 + `","` + u102 + `"]}`,
	}
	for _, who := range []string{tenant, "owner2@example.com", "frontdesk@example.com", "supervisor@example.com", "director@example.com"} {
		for _, body := range bodies {
			code, resp := testapp.Do(t, h, http.MethodPatch, "/api/collections/residents/records/"+id, body, who)
			if code >= 500 {
				t.Errorf("%s sends %s: %d %s", who, body, code, resp)
			}
			check(who + " sends " + body)
		}
		// A multipart form, as the admin UI and file uploads send it.
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, k := range []string{"units", "units+", "+units", "communities", "buildings"} {
			_ = w.WriteField(k, a102)
		}
		_ = w.WriteField("units", u102)
		_ = w.Close()
		req := httptest.NewRequest(http.MethodPatch, "/api/collections/residents/records/"+id, &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", testapp.Token(t, who))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("%s sends a form: %d %s", who, rec.Code, rec.Body)
		}
		check(who + " sends a form")
		// The batch API (off in Wuye's settings; were it on, the same
		// form would strip the field).
		batch := `{"requests":[{"method":"PATCH","url":"/api/collections/residents/records/` + id + `","body":{"units+":["` + a102 + `"]}}]}`
		if code, resp := testapp.Do(t, h, http.MethodPost, "/api/batch", batch, who); code == http.StatusOK {
			t.Logf("%s: batch answered %s", who, resp)
		}
		check(who + " sends a batch")
	}
}

// Nobody but a superuser learns anyone's units (or communities, buildings):
// no filter, sort, field list or relation path on residents, or through the
// residents a work order, complaint or link names, tells a unit the account
// lives in from one it does not.
func TestResidentUnitsCannotBeRead(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	tenant := testapp.ID(t, "residents:tenant1@example.com")
	u101, a102 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "unit:A-102")
	ch := testapp.ID(t, "community:CH")
	type probe struct{ collection, query string }
	// Each probe is asked with the unit the tenant lives in and one they do
	// not: the answers must not differ (or both are refused).
	probes := []probe{
		{"residents", `filter=units.id ?= "%s"`},
		{"residents", `filter=units ~ "%s"`},
		{"residents", `filter=units:length > 0 %26%26 units ?= "%s"`},
		{"residents", `filter=units:each = "%s"`},
		{"residents", `filter=communities ?= "` + ch + `" %26%26 units ?= "%s"`},
		{"residents", `filter=@request.auth.units.id ?= "%s"`},
		{"residents", `filter=@collection.residents.units.id ?= "%s"`},
		{"residents", `sort=units&filter=id != "%s"`},
		{"residents", `fields=id,units&filter=id != "%s"`},
		{"units", `filter=residents_via_units.id ?= "` + tenant + `" %26%26 id != "%s"`},
		{"units", `filter=residents_via_units.units ?= "%s"`},
		{"unit_residents", `filter=resident.units.id ?= "%s"`},
		{"work_orders", `filter=requester.units.id ?= "%s"`},
		{"work_orders", `filter=requester.units ?= "%s"`},
		{"complaints", `filter=requester.units.id ?= "%s"`},
		{"household_members", `filter=unit.residents_via_units.id ?= "` + tenant + `" %26%26 unit = "%s"`},
	}
	strip := func(body, a, b string) string {
		// The answers may name the probed id itself (an error message
		// quoting the filter); what counts is everything else.
		body = strings.ReplaceAll(strings.ReplaceAll(body, a, "X"), b, "X")
		var v any
		if json.Unmarshal([]byte(body), &v) == nil {
			out, _ := json.Marshal(v) // map keys sorted
			return string(out)
		}
		return body
	}
	for _, who := range []string{"tenant1@example.com", "owner1@example.com", "former1@example.com", "owner.yx@example.com",
		"frontdesk@example.com", "tech1@example.com", "areamgr@example.com", "supervisor@example.com", "director@example.com"} {
		for _, p := range probes {
			ask := func(unit string) (int, string) {
				v := url.Values{}
				for _, kv := range strings.Split(p.query, "&") {
					k, val, _ := strings.Cut(kv, "=")
					v.Set(k, strings.ReplaceAll(strings.ReplaceAll(val, "%26", "&"), "%s", unit))
				}
				q := v.Encode()
				code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/"+p.collection+"/records?"+q, "", who)
				return code, strip(body, u101, a102)
			}
			c1, b1 := ask(u101)
			c2, b2 := ask(a102)
			if c1 != c2 || b1 != b2 {
				t.Errorf("%s: %s?%s tells 1-101 (%d) from A-102 (%d):\n%s\n%s", who, p.collection, p.query, c1, c2, b1, b2)
			}
			if c1 == http.StatusOK && (strings.Contains(b1, `"units"`) || strings.Contains(b1, `"communities":[`)) {
				t.Errorf("%s: %s?%s shows a resident's places: %s", who, p.collection, p.query, b1)
			}
		}
	}
}

// Nor through an expansion: PocketBase expands a relation field whether or
// not it is hidden (keeping the records the caller may view), so expanding
// a resident's units, communities or buildings, or the residents who live in
// a unit, community or building (the back-relations through those fields),
// would show the hidden field's value. Such expansions are refused, for the
// list, a single record and a realtime subscription alike.
func TestResidentPlacesCannotBeExpanded(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	tenant := testapp.ID(t, "residents:tenant1@example.com")
	u101, ch, b1 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "community:CH"), testapp.ID(t, "building:CH-1")
	targets := []struct{ collection, id, expand string }{
		{"residents", tenant, "units"},
		{"residents", tenant, "communities"},
		{"residents", tenant, "buildings"},
		{"residents", tenant, "units.building"},
		{"units", u101, "residents_via_units"},
		{"communities", ch, "residents_via_communities"},
		{"buildings", b1, "residents_via_buildings"},
		{"unit_residents", "", "resident.units"},
		{"work_orders", "", "requester.units"},
		{"units", u101, "building,residents_via_units.units"},
	}
	for _, who := range []string{"tenant1@example.com", "owner1@example.com", "frontdesk@example.com", "supervisor@example.com", "director@example.com"} {
		for _, tg := range targets {
			urls := []string{"/api/collections/" + tg.collection + "/records?expand=" + url.QueryEscape(tg.expand)}
			if tg.id != "" {
				urls = append(urls, "/api/collections/"+tg.collection+"/records/"+tg.id+"?expand="+url.QueryEscape(tg.expand))
			}
			for _, u := range urls {
				code, body := testapp.Do(t, h, http.MethodGet, u, "", who)
				if code == http.StatusOK {
					for _, key := range []string{`"units":[`, `"communities":[`, `"buildings":[`, `"residents_via_`} {
						if strings.Contains(body, key) {
							t.Errorf("%s GET %s shows %s: %.300s", who, u, key, body)
						}
					}
				} else if code != http.StatusBadRequest && code != http.StatusNotFound {
					t.Errorf("%s GET %s: %d %s", who, u, code, body)
				}
			}
		}
	}
	// The account's own sign-in answers take an expand too.
	for _, ex := range []string{"units", "communities", "buildings.community"} {
		code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/residents/auth-refresh?expand="+ex, "", "tenant1@example.com")
		if code != http.StatusBadRequest {
			t.Errorf("auth-refresh expanding %s: %d %.300s", ex, code, body)
		}
	}
	// The realtime subscription carries its expand in its options.
	for _, who := range []string{"tenant1@example.com", "supervisor@example.com"} {
		for _, tg := range targets {
			client := subscriptions.NewDefaultClient()
			app.SubscriptionsBroker().Register(client)
			opts, _ := json.Marshal(map[string]any{"query": map[string]string{"expand": tg.expand}})
			b, _ := json.Marshal(map[string]any{"clientId": client.Id(), "subscriptions": []string{tg.collection + "/*?options=" + url.QueryEscape(string(opts))}})
			code, body := testapp.Do(t, h, http.MethodPost, "/api/realtime", string(b), who)
			app.SubscriptionsBroker().Unregister(client.Id())
			if code != http.StatusBadRequest {
				t.Errorf("%s subscribes to %s expanding %s: %d %s", who, tg.collection, tg.expand, code, body)
			}
		}
	}
}

// A resident who lives in two units, an owner and a tenant of one unit, a
// household member: each reads the records of exactly the units they
// currently live in, and loses one the moment its link ends (while keeping
// the other).
func TestResidentWithTwoUnitsLosesOne(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	const owner2 = "owner2@example.com"
	id := testapp.ID(t, "residents:"+owner2)
	u102, p001 := testapp.ID(t, "unit:1-102"), testapp.ID(t, "unit:3-P001")
	if got := unitsOf(t, app, id); !slices.Contains(got, u102) || !slices.Contains(got, p001) {
		t.Fatalf("owner2 lives in %v, want 1-102 and 3-P001", got)
	}
	views := func(unit string) bool {
		code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+unit, "", owner2)
		return code == http.StatusOK
	}
	if !views(u102) || !views(p001) {
		t.Fatal("owner2 does not view both their units")
	}
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && unit = {:u} && active = true",
		dbx.Params{"r": id, "u": p001})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/unit_residents/records/"+link.Id,
		`{"until":"`+clock.Now().In(workcal.Shanghai).Format(time.DateOnly)+`"}`, "supervisor@example.com"); code != http.StatusOK {
		t.Fatalf("end the parking link: %d %s", code, body)
	}
	if !views(u102) || views(p001) {
		t.Errorf("after the parking link ended: views 1-102 %v, 3-P001 %v; want true, false", views(u102), views(p001))
	}
	if got := unitsOf(t, app, id); !slices.Equal(got, []string{u102}) {
		t.Errorf("units after the parking link ended: %v", got)
	}
}

// A link ended while a resident's account is being saved (the resident
// changing their name in the portal as the desk ends their lease) stops
// granting with its commit: the account's save, which read the links before
// the lease ended, must not write the unit back. The interleaving is made
// exact by ending the lease from a hook that runs between the account's
// places being read and the account being written. docs/DESIGN.md
// § Registry: a link ended grants nothing from the commit that ends it.
func TestResidentSaveDoesNotBringBackAnEndedUnit(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	const tenant = "tenant1@example.com"
	id := testapp.ID(t, "residents:"+tenant)
	u101 := testapp.ID(t, "unit:1-101")
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && unit = {:u} && active = true",
		dbx.Params{"r": id, "u": u101})
	if err != nil {
		t.Fatal(err)
	}
	ended := false
	app.OnRecordUpdate("residents").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.Id == id && !ended {
			ended = true
			l, err := e.App.FindRecordById("unit_residents", link.Id)
			if err != nil {
				return err
			}
			l.Set("until", clock.Now().In(workcal.Shanghai).Format(time.DateOnly))
			if err := e.App.Save(l); err != nil {
				return err
			}
		}
		return e.Next()
	})
	if code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/residents/records/"+id, `{"name":"张伟伟"}`, tenant); code != http.StatusOK {
		t.Fatalf("rename: %d %s", code, body)
	}
	if !ended {
		t.Fatal("the lease was not ended during the save")
	}
	if got := unitsOf(t, app, id); len(got) != 0 {
		t.Errorf("after the lease ended the account still lives in %v", got)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+u101, "", tenant); code != http.StatusNotFound {
		t.Errorf("the former tenant still views 1-101: %d", code)
	}
}

// A resident may change some records of a unit they live in (their work
// orders and complaints, the household's members, cars, goods passes …):
// the update rule reads the stored record's unit, so the change itself must
// not move the record to a unit they do not live in — that would write into
// a neighbour's household file and let them read it from there.
func TestResidentCannotMoveARecordToAnotherUnit(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	u102 := testapp.ID(t, "unit:1-102")
	tried := 0
	for _, who := range []string{"owner1@example.com", "tenant1@example.com", "family1@example.com"} {
		me := testapp.ID(t, "residents:"+who)
		mine := unitsOf(t, app, me)
		for _, name := range []string{"complaints", "work_orders", "renovations", "goods_passes", "household_members",
			"household_files", "vehicles", "move_outs", "survey_responses", "parking_spaces"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil || col.Fields.GetByName("unit") == nil {
				continue
			}
			recs, err := app.FindAllRecords(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				if !slices.Contains(mine, r.GetString("unit")) {
					continue
				}
				code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/"+name+"/records/"+r.Id, `{"unit":"`+u102+`"}`, who)
				stored, err := app.FindRecordById(name, r.Id)
				if err != nil {
					t.Fatal(err)
				}
				tried++
				if stored.GetString("unit") != r.GetString("unit") {
					t.Errorf("%s moved %s %s to 1-102: %d %.200s", who, name, r.Id, code, body)
				}
				break
			}
		}
	}
	if tried < 5 {
		t.Errorf("only %d records tried", tried)
	}
}

// A link's unit and resident are fixed (the API refuses to change them);
// were one changed in place by Wuye's own code (a save without validation),
// the units of both the resident it had and the one it has follow at once.
func TestLinkChangedInPlaceMovesTheUnits(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	tenant, family := testapp.ID(t, "residents:tenant1@example.com"), testapp.ID(t, "residents:former1@example.com")
	u101, u103 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "unit:1-103")
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && unit = {:u} && active = true",
		dbx.Params{"r": tenant, "u": u101})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{"unit":"` + u103 + `"}`, `{"resident":"` + family + `"}`} {
		if code, resp := testapp.Do(t, h, http.MethodPatch, "/api/collections/unit_residents/records/"+link.Id, body, "supervisor@example.com"); code != http.StatusBadRequest {
			t.Errorf("the supervisor changes a link's %s: %d %s", body, code, resp)
		}
	}
	link.Set("unit", u103)
	if err := app.SaveNoValidate(link); err != nil {
		t.Fatal(err)
	}
	if got := unitsOf(t, app, tenant); slices.Contains(got, u101) || !slices.Contains(got, u103) {
		t.Errorf("after the link moved to 1-103 the tenant lives in %v", got)
	}
	before := unitsOf(t, app, family)
	link.Set("resident", family)
	if err := app.SaveNoValidate(link); err != nil {
		t.Fatal(err)
	}
	if got := unitsOf(t, app, tenant); slices.Contains(got, u103) {
		t.Errorf("after the link went to another resident the tenant still lives in %v", got)
	}
	if got := unitsOf(t, app, family); !slices.Contains(got, u103) {
		t.Errorf("the link's new resident lives in %v (before %v)", got, before)
	}
}

// A link's active flag follows its end date: staff who send active: true on
// a link whose end date has come do not bring the resident back into the
// unit (the flag is the server's, docs/DESIGN.md § Registry); a link is
// re-opened by moving its end date.
func TestEndedLinkCannotBeSwitchedBackOn(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	const tenant = "tenant1@example.com"
	id := testapp.ID(t, "residents:"+tenant)
	u101 := testapp.ID(t, "unit:1-101")
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && unit = {:u} && active = true",
		dbx.Params{"r": id, "u": u101})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/collections/unit_residents/records/" + link.Id
	today := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	if code, body := testapp.Do(t, h, http.MethodPatch, path, `{"until":"`+today+`"}`, "supervisor@example.com"); code != http.StatusOK {
		t.Fatalf("end the lease: %d %s", code, body)
	}
	testapp.Do(t, h, http.MethodPatch, path, `{"active":true}`, "supervisor@example.com")
	if l, err := app.FindRecordById("unit_residents", link.Id); err != nil || l.GetBool("active") {
		t.Fatalf("after active: true on an ended link: active %v (%v)", l != nil && l.GetBool("active"), err)
	}
	if got := unitsOf(t, app, id); len(got) != 0 {
		t.Errorf("the former tenant lives in %v again", got)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+u101, "", tenant); code != http.StatusNotFound {
		t.Errorf("the former tenant views 1-101 again: %d", code)
	}
}
