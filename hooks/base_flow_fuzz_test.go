package hooks

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
)

// FuzzFlowPlan drives Flow.Plan of every flow table (complaints, work
// orders, renovations, hot-work permits) with any change of status — to a
// status of the table or not —, any caller (a superuser, nobody, staff of
// each role, the document's own parties, a stranger) and any fields changed
// to any value, on records held in memory. Plan must never panic, and:
//
//   - a change the table does not list is refused, naming the status, as an
//     illegal step (or, from a final status, as frozen; to no status at all,
//     as required), whoever asks and whatever else comes along;
//   - what Plan accepts is a step of the table (or no change of status),
//     taken by one of its actors, with its required fields filled and no
//     other field changed than the step's and the caller's editable ones;
//   - a superuser taking a step of the table with its required fields
//     filled and nothing else changed is refused by the step's guard alone;
//   - every refusal is a 400 whose fields carry a message code the pages can
//     show in both languages.
func FuzzFlowPlan(f *testing.F) {
	flows := fuzzFlows()
	f.Add(uint8(0), uint8(0), uint8(1), uint8(0), uint32(1), "tech", true, false)
	f.Add(uint8(1), uint8(5), uint8(6), uint8(3), uint32(0xffff), "3000", true, true)
	f.Add(uint8(2), uint8(0), uint8(1), uint8(6), uint32(0), "", false, false)
	f.Add(uint8(3), uint8(1), uint8(2), uint8(7), uint32(7), "x", false, true)
	f.Add(uint8(1), uint8(200), uint8(3), uint8(12), uint32(1<<20), "paid", true, false)
	f.Fuzz(func(t *testing.T, flowI, fromI, toI, actorI uint8, fieldMask uint32, value string, parties, paid bool) {
		ff := flows[int(flowI)%len(flows)]
		fl := ff.flow
		// Besides the table's statuses: one it does not know, and (as the new
		// status only: a stored document always has one) none.
		pick := func(i uint8, blank int) string {
			switch j := int(i) % (len(ff.statuses) + 1 + blank); j {
			case len(ff.statuses):
				return "no_such_status"
			case len(ff.statuses) + 1:
				return ""
			default:
				return ff.statuses[j]
			}
		}
		from, to := pick(fromI, 0), pick(toI, 1)

		orig := core.NewRecord(ff.col)
		orig.Id = "doc000000000001"
		orig.Set("status", from)
		orig.Set("community", "community000001")
		orig.Set("category", "plumbing")
		orig.Set("dispatch_mode", "pool")
		if paid {
			orig.Set("kind", "paid")
		} else {
			orig.Set("kind", "routine")
		}
		if parties {
			for _, p := range []string{"handler", "technician"} {
				orig.Set(p, fuzzStaffID)
			}
			for _, p := range []string{"resident", "requester", "applicant"} {
				orig.Set(p, fuzzResidentID)
			}
		}
		r := orig.Fresh()
		r.Set("status", to)
		for i, field := range ff.fields {
			if fieldMask&(1<<(i%32)) != 0 {
				r.Set(field, value)
			}
		}
		auth, superuser := fuzzActor(int(actorI))

		at, _ := types.ParseDateTime("2026-11-23 08:00:00.000Z")
		step, err := fl.Plan(auth, superuser, orig, r, at)

		if err != nil {
			var apiErr *router.ApiError
			if !errors.As(err, &apiErr) || apiErr.Status != 400 || len(apiErr.Data) == 0 {
				t.Fatalf("%s → %s: a refusal that is no 400 naming a field: %#v", from, to, err)
			}
			for field, item := range apiErr.Data {
				code := fuzzCode(item)
				if _, ok := messages[code]; !ok {
					t.Fatalf("%s → %s: field %s refused with code %q, which has no message", from, to, field, code)
				}
				if msg, _ := item.(map[string]any)["message"].(string); strings.Contains(msg, "“”") {
					t.Fatalf("%s → %s: the message names no status: %q", from, to, msg)
				}
			}
		}
		legal, isStep := fl.Step(from, to)
		switch {
		case slices.Contains(fl.Terminal, from):
			if fuzzStatusCode(err) != "wuye_frozen" {
				t.Fatalf("%s → %s from a final status: %v, want frozen", from, to, err)
			}
			return
		case from != to && to == "":
			if fuzzStatusCode(err) != "validation_required" {
				t.Fatalf("%s → no status: %v, want the status required", from, err)
			}
			return
		case from != to && !isStep:
			if fuzzStatusCode(err) != "wuye_illegal_step" {
				t.Fatalf("%s → %s is not in the table but Plan answered %v", from, to, err)
			}
			return
		}
		if err == nil {
			if from != to && (step.From != from || step.To != to) {
				t.Fatalf("%s → %s accepted as the step %s → %s", from, to, step.From, step.To)
			}
			actors := fl.Actors(auth, orig)
			if superuser {
				actors = fl.allActors()
			}
			if from != to && !hasAny(actors, legal.Actors) {
				t.Fatalf("%s → %s accepted from %v, not among %v", from, to, actors, legal.Actors)
			}
			allowed := append(append([]string{"status", legal.Stamp}, legal.Requires...), legal.Extras...)
			if fl.Editable != nil {
				allowed = append(allowed, fl.Editable(actors, from)...)
			}
			for _, field := range changedFields(orig, r) {
				if !slices.Contains(allowed, field) {
					t.Fatalf("%s → %s accepted a change of %s", from, to, field)
				}
			}
			for _, field := range legal.Requires {
				if v := r.GetString(field); from != to && (v == "" || v == "0") {
					t.Fatalf("%s → %s accepted without %s", from, to, field)
				}
			}
			return
		}
		// A superuser taking the step with its fields: only the guard may say no.
		if superuser && from != to {
			onlyRequired := true
			for _, field := range changedFields(orig, r) {
				if field != "status" && !slices.Contains(legal.Requires, field) {
					onlyRequired = false
				}
			}
			filled := true
			for _, field := range legal.Requires {
				if v := r.GetString(field); v == "" || v == "0" {
					filled = false
				}
			}
			if onlyRequired && filled && legal.Guard == nil {
				t.Fatalf("%s → %s with %v refused for a superuser: %v", from, to, legal.Requires, err)
			}
		}
	})
}

type fuzzFlow struct {
	flow     *Flow
	col      *core.Collection
	statuses []string
	fields   []string // every field a step or an editable list names, and a few others
}

const (
	fuzzStaffID    = "staff0000000001"
	fuzzResidentID = "resident0000001"
)

var fuzzRoles = []string{RoleFrontDesk, RoleAreaManager, RoleTechnician, RoleEngineer, RoleSecurity, RoleCashier, RoleSupervisor, RoleDirector, RoleAdminOffice}

// fuzzFlows builds, for each flow, a collection in memory with the fields
// the flow reads and writes, typed as the migrations type them.
func fuzzFlows() []fuzzFlow {
	var out []fuzzFlow
	for _, name := range []string{"complaints", "work_orders", "renovations", "hot_work_permits", "deposit_refunds"} {
		fl := flowsByCollection[name]
		names := map[string]bool{"community": true, "category": true, "kind": true, "dispatch_mode": true,
			"handler": true, "technician": true, "resident": true, "requester": true, "applicant": true,
			"quote_confirmed_at": true, "serial": true, "content": true}
		var statuses []string
		for s := range fl.Labels {
			statuses = append(statuses, s)
		}
		sort.Strings(statuses)
		for _, s := range fl.Steps {
			for _, f := range append(append([]string{s.Stamp}, s.Requires...), s.Extras...) {
				names[f] = f != ""
			}
		}
		if fl.Editable != nil {
			for _, from := range statuses {
				for _, f := range fl.Editable(fl.allActors(), from) {
					names[f] = true
				}
				for _, role := range fuzzRoles {
					for _, f := range fl.Editable([]string{role}, from) {
						names[f] = true
					}
				}
			}
		}
		col := core.NewBaseCollection(name)
		col.Fields.Add(&core.TextField{Name: "status"})
		var fields []string
		for f, ok := range names {
			if !ok || f == "status" {
				continue
			}
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			switch {
			case strings.HasSuffix(f, "_at") || strings.HasSuffix(f, "_due"):
				col.Fields.Add(&core.DateField{Name: f})
			case strings.HasSuffix(f, "_fen"):
				col.Fields.Add(&core.NumberField{Name: f})
			case strings.HasSuffix(f, "_signed") || f == "fees_paid" || f == "about_service_center":
				col.Fields.Add(&core.BoolField{Name: f})
			case f == "materials":
				col.Fields.Add(&core.JSONField{Name: f})
			default:
				col.Fields.Add(&core.TextField{Name: f})
			}
		}
		out = append(out, fuzzFlow{flow: fl, col: col, statuses: statuses, fields: fields})
	}
	return out
}

var (
	fuzzStaffCol    = func() *core.Collection { c := core.NewAuthCollection("staff"); addAuthFields(c); return c }()
	fuzzResidentCol = func() *core.Collection { c := core.NewAuthCollection("residents"); return c }()
)

func addAuthFields(c *core.Collection) {
	c.Fields.Add(&core.TextField{Name: "role"})
	c.Fields.Add(&core.JSONField{Name: "communities"})
	c.Fields.Add(&core.JSONField{Name: "skills"})
}

// fuzzActor is caller number i: a superuser, nobody, staff of each role
// (the document's party when it is its handler or technician), the
// document's resident, a stranger resident, a technician of the trade.
func fuzzActor(i int) (*core.Record, bool) {
	staff := func(id, role string) *core.Record {
		s := core.NewRecord(fuzzStaffCol)
		s.Id = id
		s.Set("role", role)
		s.Set("communities", []string{"community000001"})
		s.Set("skills", []string{"plumbing"})
		return s
	}
	switch n := i % (len(fuzzRoles) + 5); {
	case n == 0:
		return nil, true
	case n == 1:
		return nil, false
	case n < len(fuzzRoles)+2:
		return staff("staff0000000009", fuzzRoles[n-2]), false
	case n == len(fuzzRoles)+2:
		return staff(fuzzStaffID, RoleTechnician), false
	case n == len(fuzzRoles)+3:
		res := core.NewRecord(fuzzResidentCol)
		res.Id = fuzzResidentID
		return res, false
	default:
		res := core.NewRecord(fuzzResidentCol)
		res.Id = "resident0000009"
		return res, false
	}
}

func fuzzCode(item any) string {
	switch v := item.(type) {
	case map[string]any:
		code, _ := v["code"].(string)
		return code
	case interface{ Code() string }:
		return v.Code()
	}
	return ""
}

// fuzzStatusCode is the code of err's status field.
func fuzzStatusCode(err error) string {
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		return ""
	}
	return fuzzCode(apiErr.Data["status"])
}
