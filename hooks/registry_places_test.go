package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// placeView is what a caller reads of one community: how many of its
// service items, fee items and notices, its own record, and which of the
// given buildings.
type placeView struct {
	items, fees, notices, community int
	buildings                       []string
}

func readPlace(t *testing.T, h http.Handler, email, community string, buildings ...string) placeView {
	t.Helper()
	count := func(collection, filter string) (ids []string) {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/"+collection+"/records?perPage=500&skipTotal=1&filter="+
			url.QueryEscape(filter), "", email)
		if code != http.StatusOK {
			t.Fatalf("%s lists %s: %d %s", email, collection, code, body)
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	v := placeView{
		items:     len(count("service_items", `community = "`+community+`"`)),
		fees:      len(count("fee_items", `community = "`+community+`"`)),
		notices:   len(count("notices", `community = "`+community+`"`)),
		community: len(count("communities", `id = "`+community+`"`)),
	}
	for _, b := range count("buildings", `community = "`+community+`"`) {
		if slices.Contains(buildings, b) {
			v.buildings = append(v.buildings, b)
		}
	}
	return v
}

// fullView is everything of community a resident of the given buildings reads.
func fullView(t *testing.T, app core.App, community string, buildings ...string) placeView {
	t.Helper()
	n := func(collection string, where dbx.HashExp) int {
		c, err := app.CountRecords(collection, where)
		if err != nil {
			t.Fatal(err)
		}
		return int(c)
	}
	v := placeView{
		items: n("service_items", dbx.HashExp{"community": community, "active": true}),
		fees:  n("fee_items", dbx.HashExp{"community": community}),
		// The community-wide notices: the demo's building-2 water stop is
		// for building 2 alone (notices_audience_test.go).
		notices:   n("notices", dbx.HashExp{"community": community, "audience": "community"}),
		community: 1,
		buildings: buildings,
	}
	if v.items == 0 || v.fees == 0 || v.notices == 0 {
		t.Fatalf("community %s has nothing to read: %+v", community, v)
	}
	return v
}

func expectView(t *testing.T, what string, got, want placeView) {
	t.Helper()
	slices.Sort(got.buildings)
	slices.Sort(want.buildings)
	if got.items != want.items || got.fees != want.fees || got.notices != want.notices || got.community != want.community ||
		!slices.Equal(got.buildings, want.buildings) {
		t.Errorf("%s: reads %+v, want %+v", what, got, want)
	}
}

// A resident reads a community's records (the community, the buildings they
// live in, the price list, fee items, notices) while, and only while, they
// have a current link to one of its units: a link ended, deleted or replaced
// by one elsewhere takes effect with the request that makes it.
func TestResidentPlacesFollowLinks(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, yx := testapp.ID(t, "community:CH"), testapp.ID(t, "community:YX")
	b1, b3, bA := testapp.ID(t, "building:CH-1"), testapp.ID(t, "building:CH-3"), testapp.ID(t, "building:YX-A")
	allCH := []string{b1, testapp.ID(t, "building:CH-2"), b3}

	// The other community gets a price list and fee items of its own.
	for _, rec := range []struct {
		collection string
		fields     map[string]any
	}{
		{"service_items", map[string]any{"community": yx, "code": "YX01", "name": "疏通下水道", "category": "plumbing", "kind": "paid",
			"unit": "次", "price_fen": 5000, "active": true}},
		{"fee_items", map[string]any{"community": yx, "code": "WY", "name": "物业管理费", "kind": "management", "basis": "per_m2_month",
			"price_fen": 200, "unit_types": []string{"residential"}, "cycle": "quarterly", "active": true}},
	} {
		col, err := app.FindCollectionByNameOrId(rec.collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(col)
		r.Load(rec.fields)
		if err := app.Save(r); err != nil {
			t.Fatalf("%s: %v", rec.collection, err)
		}
	}
	fullCH := func(buildings ...string) placeView { return fullView(t, app, ch, buildings...) }
	fullYX := fullView(t, app, yx, bA)
	none := placeView{}

	const tenant = "tenant1@example.com"
	expectView(t, "tenant of 1-101, in 翠湖", readPlace(t, h, tenant, ch, allCH...), fullCH(b1))
	expectView(t, "tenant of 1-101, in 银杏苑", readPlace(t, h, tenant, yx, bA), none)
	// Staff read as before.
	expectView(t, "supervisor, in 翠湖", readPlace(t, h, "supervisor@example.com", ch, allCH...), placeView{
		items: int(must(app.CountRecords("service_items", dbx.HashExp{"community": ch}))), fees: fullCH().fees,
		notices: int(must(app.CountRecords("notices", dbx.HashExp{"community": ch}))), community: 1, buildings: allCH})

	// The lease ends today: the tenant reads nothing of 翠湖 any more.
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && active = true",
		dbx.Params{"r": testapp.ID(t, "residents:"+tenant)})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+link.GetString("unit"), "", tenant); code != http.StatusOK {
		t.Errorf("tenant views their flat: %d", code)
	}
	today := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	if code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/unit_residents/records/"+link.Id,
		`{"until":"`+today+`"}`, "supervisor@example.com"); code != http.StatusOK {
		t.Fatalf("end the lease: %d %s", code, body)
	}
	expectView(t, "former tenant, in 翠湖", readPlace(t, h, tenant, ch, allCH...), none)
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+link.GetString("unit"), "", tenant); code != http.StatusNotFound {
		t.Errorf("former tenant views the flat: %d", code)
	}
	item, err := app.FindFirstRecordByFilter("service_items", "community = {:c} && active = true", dbx.Params{"c": ch})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/service_items/records/"+item.Id, "", tenant); code != http.StatusNotFound {
		t.Errorf("former tenant views a service item of 翠湖: %d", code)
	}

	// They move to 银杏苑 A-102: that community opens once they confirm the
	// link in the portal (a resident living in none of the office's
	// communities must agree, hooks/accounts_residents.go); 翠湖 stays closed.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/unit_residents/records",
		`{"unit":"`+testapp.ID(t, "unit:A-102")+`","resident":"`+link.GetString("resident")+`","relation":"tenant","since":"`+today+`"}`,
		"supervisor.yx@example.com")
	if code != http.StatusOK {
		t.Fatalf("new lease: %d %s", code, body)
	}
	expectView(t, "tenant of A-102 before confirming, in 银杏苑", readPlace(t, h, tenant, yx, bA), none)
	if code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/links/"+idOf(t, body)+"/confirm", "", tenant); code != http.StatusOK {
		t.Fatalf("confirm the new lease: %d %s", code, body)
	}
	expectView(t, "tenant of A-102, in 银杏苑", readPlace(t, h, tenant, yx, bA), fullYX)
	expectView(t, "tenant of A-102, in 翠湖", readPlace(t, h, tenant, ch, allCH...), none)
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/service_items/records/"+item.Id, "", tenant); code != http.StatusNotFound {
		t.Errorf("tenant of 银杏苑 views a service item of 翠湖: %d", code)
	}

	// A lease ended by the midnight job closes as well.
	yxLink, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && active = true",
		dbx.Params{"r": link.GetString("resident")})
	if err != nil {
		t.Fatal(err)
	}
	yxLink.Set("until", clock.Now().In(workcal.Shanghai).AddDate(0, 0, 3).Format(time.DateOnly))
	if err := app.Save(yxLink); err != nil {
		t.Fatal(err)
	}
	expectView(t, "tenant of A-102 until in 3 days", readPlace(t, h, tenant, yx, bA), fullYX)
	if n, err := hooks.EndExpiredLinks(app, yxLink.GetString("until")); err != nil || n != 1 {
		t.Fatalf("end expired links: %d %v", n, err)
	}
	expectView(t, "tenant after the midnight job", readPlace(t, h, tenant, yx, bA), none)

	// A deleted link: owner2 keeps 1-102 (building 1) and loses the
	// parking space's building 3.
	const owner2 = "owner2@example.com"
	expectView(t, "owner of 1-102 and 3-P001", readPlace(t, h, owner2, ch, allCH...), fullCH(b1, b3))
	parking, err := app.FindFirstRecordByFilter("unit_residents", "resident = {:r} && unit = {:u}",
		dbx.Params{"r": testapp.ID(t, "residents:"+owner2), "u": testapp.ID(t, "unit:3-P001")})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := testapp.Do(t, h, http.MethodDelete, "/api/collections/unit_residents/records/"+parking.Id, "", "supervisor@example.com"); code != http.StatusNoContent {
		t.Fatalf("delete the parking link: %d %s", code, body)
	}
	expectView(t, "owner of 1-102 only", readPlace(t, h, owner2, ch, allCH...), fullCH(b1))
}

// Only Wuye writes where a resident lives: the resident, the staff who
// manage them and a superuser's save cannot make it say otherwise.
func TestResidentPlacesAreServerOwned(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, yx, bA := testapp.ID(t, "community:CH"), testapp.ID(t, "community:YX"), testapp.ID(t, "building:YX-A")
	b1 := testapp.ID(t, "building:CH-1")
	const tenant = "tenant1@example.com"
	id := testapp.ID(t, "residents:"+tenant)
	u101, a102 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "unit:A-102")
	places := func() ([]string, []string, []string) {
		r, err := app.FindRecordById("residents", id)
		if err != nil {
			t.Fatal(err)
		}
		return r.GetStringSlice("communities"), r.GetStringSlice("buildings"), r.GetStringSlice("units")
	}
	expect := func(what string) {
		t.Helper()
		c, b, u := places()
		if !slices.Equal(c, []string{ch}) || !slices.Equal(b, []string{b1}) || !slices.Equal(u, []string{u101}) {
			t.Errorf("%s: communities %v buildings %v units %v, want [%s] [%s] [%s]", what, c, b, u, ch, b1, u101)
		}
	}
	expect("as loaded")
	for _, body := range []string{
		`{"communities":["` + yx + `"],"buildings":["` + bA + `"],"units":["` + a102 + `"]}`,
		`{"communities+":["` + yx + `"],"buildings+":["` + bA + `"],"units+":["` + a102 + `"]}`,
		`{"communities":[],"buildings":[],"units":[]}`,
	} {
		for _, who := range []string{tenant, "supervisor@example.com", "director@example.com"} {
			code, resp := testapp.Do(t, h, http.MethodPatch, "/api/collections/residents/records/"+id, body, who)
			if code != http.StatusOK && code != http.StatusBadRequest {
				t.Errorf("%s sends %s: %d %s", who, body, code, resp)
			}
			expect(who + " sends " + body)
			if v := readPlace(t, h, tenant, yx, bA); v.community+v.notices+len(v.buildings) != 0 {
				t.Errorf("after %s sent %s the tenant reads 银杏苑: %+v", who, body, v)
			}
			if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+a102, "", tenant); code != http.StatusNotFound {
				t.Errorf("after %s sent %s the tenant reads A-102: %d", who, body, code)
			}
		}
	}
	// A new account sent with places by the office lives nowhere.
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/residents/records",
		`{"name":"新住户","phone":"13800000099","email":"new.resident@example.com","password":"a-long-password","passwordConfirm":"a-long-password",`+
			`"communities":["`+ch+`"],"buildings":["`+b1+`"],"units":["`+u101+`"]}`, "supervisor@example.com")
	if code == http.StatusOK {
		r, err := app.FindAuthRecordByEmail("residents", "new.resident@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if c, b, u := r.GetStringSlice("communities"), r.GetStringSlice("buildings"), r.GetStringSlice("units"); len(c)+len(b)+len(u) != 0 {
			t.Errorf("new resident created with places %v %v %v", c, b, u)
		}
	} else if code != http.StatusBadRequest {
		t.Errorf("create a resident with places: %d %s", code, resp)
	}
	// Not shown to anyone but superusers.
	if _, body := testapp.Do(t, h, http.MethodGet, "/api/collections/residents/records/"+id, "", tenant); strings.Contains(body, `"communities"`) || strings.Contains(body, `"buildings"`) || strings.Contains(body, `"units"`) {
		t.Errorf("the resident's places are shown: %s", body)
	}
	// A superuser's save (the dashboard) recomputes them.
	r, err := app.FindRecordById("residents", id)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("communities", []string{yx})
	r.Set("buildings", []string{bA})
	r.Set("units", []string{a102})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	expect("after a superuser's save")
}

// The migration's backfill (and a tool that wrote links with raw SQL)
// arrives at what the hooks keep.
func TestRebuildResidentPlaces(t *testing.T) {
	app := testapp.New(t)
	read := func() map[string]string {
		var rows []struct {
			ID          string `db:"id"`
			Communities string `db:"communities"`
			Buildings   string `db:"buildings"`
			Units       string `db:"units"`
		}
		if err := app.DB().NewQuery("SELECT id, communities, buildings, units FROM residents").All(&rows); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, r := range rows {
			out[r.ID] = r.Communities + " " + r.Buildings + " " + r.Units
		}
		return out
	}
	kept := read()
	if _, err := app.DB().NewQuery("UPDATE residents SET communities = '[]', buildings = '[]', units = '[]'").Execute(); err != nil {
		t.Fatal(err)
	}
	if err := migrations.RebuildResidentPlaces(app); err != nil {
		t.Fatal(err)
	}
	rebuilt, living := read(), 0
	for id, v := range kept {
		if rebuilt[id] != v {
			t.Errorf("resident %s: rebuilt %s, kept %s", id, rebuilt[id], v)
		}
		if v != "[] [] []" {
			living++
		}
	}
	if living < 5 {
		t.Errorf("only %d residents live somewhere: %v", living, kept)
	}
}

// Every rule that asks whether a resident lives in a unit reads the
// resident's own units (migration 0090) instead of the links of the
// record's unit, which PocketBase would join for every reader, staff too
// (BENCHMARKS.md § Realtime). A rule written later with livesIn, or a link
// pattern the rewrite does not know, fails here; the owner-only rules of
// household members and files, which ask for the link's relation, keep the
// link.
func TestRulesReadTheResidentsOwnUnits(t *testing.T) {
	app := testapp.New(t)
	collections, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	rewritten := 0
	for _, c := range collections {
		for kind, r := range map[string]*string{"list": c.ListRule, "view": c.ViewRule, "create": c.CreateRule, "update": c.UpdateRule, "delete": c.DeleteRule} {
			if r == nil {
				continue
			}
			if after := migrations.ResidentUnitRule(*r); after != *r {
				t.Errorf("%s %s rule still finds residents through unit links:\n%s", c.Name, kind, *r)
			}
			for _, m := range regexp.MustCompile(`[a-z_.]*unit_residents_via_unit\.[a-z]+ \?= [^&)]*`).FindAllString(*r, -1) {
				if !strings.Contains(*r, "unit_residents_via_unit.relation") {
					t.Errorf("%s %s rule joins unit links: %s", c.Name, kind, m)
				}
			}
			// The down migration gives back the rule of before, which
			// the up migration turns into this one again.
			before := migrations.UnlinkedResidentUnitRule(*r)
			if before != *r {
				rewritten++
			}
			if again := migrations.ResidentUnitRule(before); again != *r {
				t.Errorf("%s %s rule does not survive down and up:\n%s\n%s", c.Name, kind, *r, again)
			}
		}
	}
	if rewritten < 40 {
		t.Errorf("only %d rules read a resident's units", rewritten)
	}
}
