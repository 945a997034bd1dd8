package hooks

import (
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Flow is a document's state machine: the table of legal status steps and
// the rules for the fields around them. Complaints and work orders each
// declare one; their update hooks, the demo loader and the tests all read
// that one table.
type Flow struct {
	Noun     text            // the document, for messages: {"投诉", "complaint"}
	Steps    []Step          // every legal change of status
	Terminal []string        // statuses after which the document is frozen
	Labels   map[string]text // status names, for messages
	// Actors lists who auth is for document r: the staff role code plus any
	// party of the flow's own ("handler", "resident", "technician" …).
	Actors func(auth, r *core.Record) []string
	// Editable lists the fields actors may change without a step while the
	// document is in status from.
	Editable func(actors []string, from string) []string
}

// Step is one legal change of status.
type Step struct {
	From, To string
	// Verb names the step on its button, as an action ("开始施工"), not as
	// the status it leads to ("施工中").
	Verb     text
	Actors   []string // who may take it (see Flow.Actors)
	Requires []string // fields that must be filled for it
	Extras   []string // fields that may come along with it
	Stamp    string   // timestamp field it sets
	// Guard, when set, is a further condition on the document, e.g. that
	// paid work has a confirmed quote before it starts.
	Guard func(r *core.Record) error
}

// Step finds the step from → to, if the table has one.
func (f *Flow) Step(from, to string) (Step, bool) {
	for _, s := range f.Steps {
		if s.From == from && s.To == to {
			return s, true
		}
	}
	return Step{}, false
}

// allActors is everyone the table names: what a superuser acts as.
func (f *Flow) allActors() []string {
	var out []string
	for _, s := range f.Steps {
		for _, a := range s.Actors {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// Plan judges the change from orig to r made by auth: a status change must
// be a step of the table that one of auth's actors may take, with its
// required fields filled and its guard met; any other changed field must
// belong to the step or be editable by auth's actors. On success the step's
// timestamp is set to at and the step is returned (zero when the status
// does not change). A refusal is a 400 naming the field, and r is not saved.
func (f *Flow) Plan(auth *core.Record, superuser bool, orig, r *core.Record, at types.DateTime) (Step, error) {
	from, to := orig.GetString("status"), r.GetString("status")
	if slices.Contains(f.Terminal, from) {
		return Step{}, badRequest(validation.Errors{"status": codedError("wuye_frozen", f.args(from)...)})
	}
	actors := f.Actors(auth, orig)
	if superuser {
		actors = f.allActors()
	}
	var step Step
	var allowed []string
	if from != to && to == "" {
		return step, badRequest(validation.Errors{"status": codedError("validation_required")})
	}
	if from != to {
		s, ok := f.Step(from, to)
		if !ok {
			return step, badRequest(validation.Errors{"status": codedError("wuye_illegal_step", f.args(from, to)...)})
		}
		if !hasAny(actors, s.Actors) {
			return step, badRequest(validation.Errors{"status": codedError("wuye_step_not_yours", f.args(from, to)...)})
		}
		step = s
		allowed = append(append(allowed, s.Requires...), s.Extras...)
	}
	if f.Editable != nil {
		allowed = append(allowed, f.Editable(actors, from)...)
	}
	for _, field := range changedFields(orig, r) {
		if field != "status" && !slices.Contains(allowed, field) {
			return step, badRequest(validation.Errors{field: codedError("wuye_field_locked")})
		}
	}
	if step.To == "" {
		return step, nil
	}
	for _, field := range step.Requires {
		if r.GetString(field) == "" || r.GetString(field) == "0" {
			return step, badRequest(validation.Errors{field: codedError("wuye_step_requires", f.args(to)...)})
		}
	}
	if step.Guard != nil {
		if err := step.Guard(r); err != nil {
			return step, err
		}
	}
	if step.Stamp != "" {
		r.Set(step.Stamp, at)
	}
	return step, nil
}

// args are message parameters: the noun and the named statuses in Chinese,
// then the same in English, as the message texts expect.
// A status the table does not know is named as it was sent.
func (f *Flow) args(statuses ...string) []any {
	label := func(s string) text {
		if l, ok := f.Labels[s]; ok {
			return l
		}
		return text{s, s}
	}
	out := []any{f.Noun.zh}
	for _, s := range statuses {
		out = append(out, label(s).zh)
	}
	out = append(out, f.Noun.en)
	for _, s := range statuses {
		out = append(out, label(s).en)
	}
	return out
}

// planFunc judges and completes a change (see Flow.Plan); afterFunc records
// what follows from it in the same transaction.
type (
	planFunc  func(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error)
	afterFunc func(tx core.App, orig, r, auth *core.Record, step Step) error
)

// bindFlowUpdates binds the API update hook of collection's documents: plan
// judges the change, and inside the write the stored record must still have
// the values of checked it was judged against (so two people acting on one
// document at once cannot both move it), then after records what follows.
func bindFlowUpdates(app core.App, collection string, plan planFunc, after afterFunc, checked ...string) {
	app.OnRecordUpdateRequest(collection).BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		step, err := plan(e.App, e.Auth, e.HasSuperuserAuth(), orig, e.Record)
		if err != nil {
			return err
		}
		return inTxChecked(e, orig, checked, func(tx core.App) error {
			return after(tx, orig, e.Record, e.Auth, step)
		})
	})
}

// advance moves the record id of collection to status to as actor would
// through the API — same plan, same follow-up, one transaction — with
// fields set alongside, and returns it as stored. It starts from the stored
// record, as the API does, so the step is judged against what is really
// there. A nil actor acts as a superuser.
func advance(app core.App, collection, id string, actor *core.Record, to string, fields map[string]any,
	plan planFunc, after afterFunc) (*core.Record, error) {
	var r *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		if r, err = tx.FindRecordById(collection, id); err != nil {
			return err
		}
		orig := r.Original()
		for k, v := range fields {
			r.Set(k, v)
		}
		r.Set("status", to)
		step, err := plan(tx, actor, actor == nil, orig, r)
		if err != nil {
			return err
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		return after(tx, orig, r, actor, step)
	})
	return r, err
}

func hasAny(have, want []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}
