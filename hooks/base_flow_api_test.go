package hooks_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/migrations"
)

// TestFlowsAPI checks that GET /api/wuye/flows, which the pages read to show
// only the buttons the server would accept, is the very tables the update
// hooks enforce, with every status named in both languages.
func TestFlowsAPI(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)

	type stepDoc struct {
		From, To                 string
		Actors, Requires, Extras []string
	}
	var doc struct {
		Flows map[string]struct {
			Noun     map[string]string            `json:"noun"`
			Statuses map[string]map[string]string `json:"statuses"`
			Terminal []string                     `json:"terminal"`
			Steps    []stepDoc                    `json:"steps"`
		} `json:"flows"`
		Fields map[string]map[string]string `json:"fields"`
	}
	// Public: the sign-in page reads it before anyone has signed in.
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/flows", "", "")
	if code != 200 {
		t.Fatalf("a guest reads the flows: %d %s", code, body)
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}

	for name, c := range map[string]struct {
		steps    []hooks.Step
		statuses []string // the collection's status vocabulary
		labels   map[string][2]string
	}{
		"complaints": {hooks.ComplaintFlow, migrations.ComplaintStatuses,
			map[string][2]string{"received": {"已受理", "received"}, "invalid": {"无效投诉", "invalid"}}},
		"work_orders":      {hooks.WorkOrderFlow, migrations.WorkStatuses, nil},
		"renovations":      {hooks.RenovationFlow, migrations.RenovationStatuses, nil},
		"hot_work_permits": {hooks.HotWorkFlow, migrations.HotWorkStatuses, map[string][2]string{"approved": {"已批准", "approved"}}},
		"deposit_refunds":  {hooks.DepositRefundFlow, migrations.DepositRefundStatuses, map[string][2]string{"paid": {"已退款", "paid"}}},
	} {
		f, ok := doc.Flows[name]
		if !ok {
			t.Errorf("no flow for %s", name)
			continue
		}
		if f.Noun["zh"] == "" || f.Noun["en"] == "" {
			t.Errorf("%s: noun %v", name, f.Noun)
		}
		if len(f.Steps) != len(c.steps) {
			t.Errorf("%s: %d steps, the table has %d", name, len(f.Steps), len(c.steps))
		}
		for i := range min(len(f.Steps), len(c.steps)) {
			got, want := f.Steps[i], c.steps[i]
			if got.From != want.From || got.To != want.To || !sameList(got.Actors, want.Actors) ||
				!sameList(got.Requires, want.Requires) || !sameList(got.Extras, want.Extras) {
				t.Errorf("%s step %d: %+v, the table has %+v", name, i, got, want)
			}
		}
		// Every status a step or the vocabulary names has both labels.
		named := slices.Clone(c.statuses)
		for _, s := range c.steps {
			named = append(named, s.From, s.To)
		}
		named = append(named, f.Terminal...)
		for _, s := range named {
			if l := f.Statuses[s]; l["zh"] == "" || l["en"] == "" {
				t.Errorf("%s: status %s labelled %v", name, s, l)
			}
		}
		for s, want := range c.labels {
			if l := f.Statuses[s]; l["zh"] != want[0] || l["en"] != want[1] {
				t.Errorf("%s: status %s labelled %v, want %v", name, s, l, want)
			}
		}
		if len(f.Terminal) == 0 {
			t.Errorf("%s: no terminal statuses", name)
		}
	}
	if got := doc.Flows["complaints"].Terminal; !slices.Equal(got, []string{"closed", "invalid"}) {
		t.Errorf("complaints end in %v", got)
	}
	if l := doc.Fields["contact_phone"]; l["zh"] != "联系电话" || l["en"] != "Contact phone" {
		t.Errorf("field label contact_phone: %v", l)
	}
	if l := doc.Fields["handler"]; l["zh"] == "" || l["en"] == "" {
		t.Errorf("field label handler: %v", l)
	}
}

// sameList treats a missing list and an empty one alike.
func sameList(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || slices.Equal(a, b))
}

// TestFlowStepVerbs: every step of every flow carries the words of its
// button in both languages, an action rather than the status it leads to
// (a button "施工中" reads as a state, not as something to do).
func TestFlowStepVerbs(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	var doc struct {
		Flows map[string]struct {
			Statuses map[string]map[string]string `json:"statuses"`
			Steps    []struct {
				From, To string
				Verb     map[string]string `json:"verb"`
			} `json:"steps"`
		} `json:"flows"`
	}
	_, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/flows", "", "")
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	verbs := map[string]string{}
	for name, f := range doc.Flows {
		for _, s := range f.Steps {
			if s.Verb["zh"] == "" || s.Verb["en"] == "" {
				t.Errorf("%s %s→%s has no verb", name, s.From, s.To)
			}
			if s.Verb["zh"] == f.Statuses[s.To]["zh"] && name == "work_orders" {
				t.Errorf("%s %s→%s is named after its status %q", name, s.From, s.To, s.Verb["zh"])
			}
			verbs[name+":"+s.From+">"+s.To] = s.Verb["zh"]
		}
	}
	for k, want := range map[string]string{
		"work_orders:quoted>in_progress":  "代住户确认报价",
		"work_orders:on_site>in_progress": "开始施工",
		"work_orders:new>cancelled":       "取消工单",
		"work_orders:quoted>cancelled":    "取消工单",
		"renovations:permitted>suspended": "停工整改",
	} {
		if verbs[k] != want {
			t.Errorf("%s reads %q, want %q", k, verbs[k], want)
		}
	}
}
