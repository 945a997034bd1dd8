package hooks_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestEventVisibility (issue #16 item 6): for every kind of caller of the
// permission matrix and every subject collection the timeline holds, the
// events a caller lists are exactly those whose subject the records API
// shows them (staff), or some of those (residents, who read only the
// public events of their units and their own documents). An event about a
// resident's link to a unit counts as about the resident too: the staff of
// every community the resident is linked to read it (item 1). The demo's
// events, the permission matrix's seeds, and a link of a 翠湖花园 resident
// to a 银杏苑 unit made by 银杏苑's supervisor (with the account update
// that follows it) are all tried, through the list and the view route.
func TestEventVisibility(t *testing.T) {
	w := newWorld(t)
	app := w.app
	supYX, err := app.FindAuthRecordByEmail("staff", "supervisor.yx@example.com")
	if err != nil {
		t.Fatal(err)
	}
	owner1, err := app.FindAuthRecordByEmail("residents", "owner1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	s := &seeder{t: t, app: app}
	link := s.save("unit_residents", map[string]any{"unit": testapp.ID(t, "unit:A-102"), "resident": owner1.Id,
		"relation": "tenant", "since": "2026-11-01", "active": true})
	for _, ev := range []hooks.Event{
		{Subject: link, Action: "create", To: "true", Actor: supYX},
		{Subject: owner1, Action: "update", Actor: supYX, Note: "[email]"},
	} {
		if err := hooks.RecordEvent(app, ev); err != nil {
			t.Fatal(err)
		}
	}
	w.load()
	for _, r := range w.recs["events"] {
		w.facts["events/"+r.Id] = w.factsOf(r)
	}

	type cell struct{ tried, held, lost int }
	cells := map[string]*cell{} // role/caller × subject collection
	var tried, held, lost int
	subjects := map[string]bool{}
	for _, c := range w.callers {
		if c.kind == "anonymous" || c.kind == "superuser" {
			continue
		}
		a := w.list(c, "events", nil)
		if a.status != http.StatusOK {
			t.Fatalf("events as %s: %d %s", c.name, a.status, first1(a.body))
		}
		listed := a.ids()
		for _, ev := range w.recs["events"] {
			subject, id := ev.GetString("subject_collection"), ev.GetString("subject_id")
			subjects[subject] = true
			viewable := w.listedBy(c, subject)[id]
			if subject == "unit_residents" {
				if l := w.get("unit_residents", id); l != nil && w.listedBy(c, "residents")[l.GetString("resident")] {
					viewable = true
				}
			}
			got := listed[ev.Id]
			ok := got == viewable
			if c.kind == "resident" {
				ok = !got || viewable
			}
			key := c.name + " × " + subject
			if cells[key] == nil {
				cells[key] = &cell{}
			}
			cells[key].tried++
			tried++
			if ok {
				cells[key].held++
				held++
				continue
			}
			cells[key].lost++
			lost++
			if got {
				t.Errorf("LEAK: %s lists event %s (%s on %s/%s) but may not view its subject", c.name, ev.Id, ev.GetString("action"), subject, id)
			} else {
				t.Errorf("%s cannot list event %s (%s on %s/%s) although they may view its subject", c.name, ev.Id, ev.GetString("action"), subject, id)
			}
		}
	}
	// The view route agrees with the list on a sample: every subject
	// collection's first event, as every caller.
	seen := map[string]bool{}
	for _, ev := range w.recs["events"] {
		subject := ev.GetString("subject_collection")
		if seen[subject] {
			continue
		}
		seen[subject] = true
		for _, c := range w.callers {
			if c.kind == "anonymous" || c.kind == "superuser" {
				continue
			}
			status, _ := w.do(c, http.MethodGet, "/api/collections/events/records/"+ev.Id, "")
			listed := w.list(c, "events", map[string][]string{"filter": {fmt.Sprintf("id = %q", ev.Id)}}).ids()[ev.Id]
			tried++
			if (status == http.StatusOK) == listed {
				held++
			} else {
				lost++
				t.Errorf("%s: view of event %s on %s answers %d, list says %v", c.name, ev.Id, subject, status, listed)
			}
		}
	}
	for _, want := range []string{"bills", "payments", "deposits", "work_orders", "complaints", "renovations", "units", "unit_residents", "residents"} {
		if !subjects[want] {
			t.Errorf("no event on %s to try", want)
		}
	}
	var names []string
	for k := range subjects {
		names = append(names, k)
	}
	sort.Strings(names)
	t.Logf("event visibility: %d subject collections %v × %d callers: %d cells; probes %d/%d/%d [tried/held/lost]",
		len(names), names, len(w.callers)-2, len(cells), tried, held, lost)
}

// TestEventsOfAResidentReachEveryCommunity: the case of issue #16 item 1,
// through the API. 银杏苑's supervisor links a 翠湖花园 resident to one of
// 银杏苑's units; 翠湖花园's supervisor reads the link's event, and a
// technician of neither community's money reads no household's bills
// through the timeline.
func TestEventsOfAResidentReachEveryCommunity(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner1 := testapp.ID(t, "residents:owner1@example.com")
	links, err := app.FindCollectionByNameOrId("unit_residents")
	if err != nil {
		t.Fatal(err)
	}
	link := core.NewRecord(links)
	link.Load(map[string]any{"unit": testapp.ID(t, "unit:A-102"), "resident": owner1, "relation": "tenant", "since": "2026-11-01", "active": true})
	if err := app.SaveNoValidate(link); err != nil {
		t.Fatal(err)
	}
	supYX, _ := app.FindAuthRecordByEmail("staff", "supervisor.yx@example.com")
	if err := hooks.RecordEvent(app, hooks.Event{Subject: link, Action: "create", To: "true", Actor: supYX}); err != nil {
		t.Fatal(err)
	}
	_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/events/records?filter="+
		urlq(fmt.Sprintf(`subject_id = %q`, link.Id)), "", "supervisor@example.com")
	if !strings.Contains(body, link.Id) {
		t.Errorf("翠湖花园's supervisor does not see 银杏苑's link of their resident: %s", first1(body))
	}
	for _, email := range []string{"tech1@example.com", "security@example.com", "engineer@example.com"} {
		_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/events/records?perPage=500&filter="+
			urlq(`subject_collection = "bills" || subject_collection = "payments" || subject_collection = "reminders"`), "", email)
		if strings.Contains(body, `"subject_id"`) {
			t.Errorf("%s reads households' arrears and payments through the timeline: %s", email, first1(body))
		}
	}
}
