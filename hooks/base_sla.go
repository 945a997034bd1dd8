package hooks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/sla"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// Service levels as data (docs/DESIGN.md, "Service levels"): the deadlines of
// complaints and work orders come from the community's sla_policies, as
// they stood when the complaint or order was taken in. The director edits
// them; an edit closes the version in force (ends_at) and starts a new one,
// so the deadlines already set keep the promise they were made under, and a
// deadline worked out later (a complaint graded major the next day, an
// appointment moved) still uses the version in force at intake. The
// arithmetic is lib/sla's.

// slaEditable are the fields the director may change on a policy; the rest
// say what the policy is about and stay.
var slaEditable = []string{"amount", "unit", "early_minutes", "office_opens", "office_closes", "office_days"}

// slaServerOwned are set by Wuye alone.
var slaServerOwned = []string{"starts_at", "ends_at", "changed_by"}

func registerSLA(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// Bound after localizeErrors (hooks.Register): the message goes out
		// in the caller's language.
		se.Router.BindFunc(policyWritersOnly)
		return se.Next()
	})
	app.OnRecordCreateRequest("sla_policies").BindFunc(func(e *core.RecordRequestEvent) error {
		r := e.Record
		for _, f := range slaServerOwned {
			r.Set(f, nil)
		}
		r.Set("starts_at", now())
		if isStaff(e.Auth) {
			r.Set("changed_by", e.Auth.Id)
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: r, Action: "create", Actor: e.Auth, Note: describePolicy(r)})
		})
	})
	app.OnRecordUpdateRequest("sla_policies").BindFunc(func(e *core.RecordRequestEvent) error {
		r, orig := e.Record, e.Record.Original()
		if !orig.GetDateTime("ends_at").IsZero() {
			return badRequest(validation.Errors{"ends_at": codedError("wuye_sla_superseded")})
		}
		for _, f := range r.Collection().Fields {
			name := f.GetName()
			if f.Type() == core.FieldTypeAutodate || slices.Contains(slaEditable, name) {
				continue
			}
			if fmt.Sprint(orig.Get(name)) != fmt.Sprint(r.Get(name)) {
				if slices.Contains(slaServerOwned, name) {
					r.Set(name, orig.Get(name)) // Wuye's own: ignored
					continue
				}
				return badRequest(validation.Errors{name: codedError("wuye_sla_fixed")})
			}
		}
		if len(changedFields(orig, r)) == 0 {
			return e.Next()
		}
		at := now()
		return inTxAround(e, func(tx core.App) error {
			// The version in force until now stays, closed, for the
			// deadlines it set and those still to be worked out from it.
			old := core.NewRecord(r.Collection())
			for _, f := range r.Collection().Fields {
				if n := f.GetName(); n != "id" && f.Type() != core.FieldTypeAutodate {
					old.Set(n, orig.Get(n))
				}
			}
			old.Set("ends_at", at)
			if err := tx.SaveNoValidate(old); err != nil {
				return fmt.Errorf("keep sla policy version: %w", err)
			}
			r.Set("starts_at", at)
			if isStaff(e.Auth) {
				r.Set("changed_by", e.Auth.Id)
			}
			return nil
		}, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: r, Action: "update", Actor: e.Auth,
				Note: describePolicy(orig) + " → " + describePolicy(r)})
		})
	})
	app.OnRecordValidate("sla_policies").BindFunc(validatePolicy)
	// A new community starts with the manuals' promises.
	app.OnRecordCreate("communities").BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return migrations.SeedSLAPolicies(e.App, e.Record.Id)
	})
	// The deadlines of complaints and work orders, however they are saved
	// (the API, the demo, a hot cluster grading its members). Bound after
	// validatePlace, which fills in the community from the unit.
	app.OnRecordValidate("complaints").BindFunc(func(e *core.RecordEvent) error {
		if err := complaintDeadlines(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate("work_orders").BindFunc(func(e *core.RecordEvent) error {
		if err := workOrderDeadlines(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}

// policyWritersOnly answers a change of a service-level policy by anyone
// but a director (or a platform administrator) with 403 and says who may
// make it, before PocketBase's rules would answer 400 or 404 without a
// word. The director's own rule (their communities) is the API rule's.
func policyWritersOnly(e *core.RequestEvent) error {
	p := e.Request.Pattern
	if (p != updatePattern && p != createPattern) || hasRole(e.Auth, RoleDirector) || e.HasSuperuserAuth() {
		return e.Next()
	}
	if col, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection")); err != nil || col.Name != "sla_policies" {
		return e.Next()
	}
	return apis.NewForbiddenError("", validation.Errors{"role": codedError("wuye_sla_director_only")})
}

const createPattern = "POST /api/collections/{collection}/records"

// validatePolicy checks that a policy makes sense as a whole: a level for a
// complaint, an urgency for a work order, a target of its subject, opening
// hours complete and in order, and counted only where they mean something.
func validatePolicy(e *core.RecordEvent) error {
	r := e.Record
	errs := validation.Errors{}
	subject, target, unit := r.GetString("subject"), r.GetString("target"), r.GetString("unit")
	switch subject {
	case "complaint":
		if r.GetString("urgency") != "" {
			errs["urgency"] = codedError("wuye_sla_urgency_orders")
		}
		if target == "arrival" {
			errs["target"] = codedError("wuye_sla_target_subject")
		}
	case "work_order":
		if r.GetString("level") != "" {
			errs["level"] = codedError("wuye_sla_level_complaints")
		}
		if target == "first_response" || target == "solution" {
			errs["target"] = codedError("wuye_sla_target_subject")
		}
	}
	if r.GetInt("early_minutes") != 0 && target != "arrival" {
		errs["early_minutes"] = codedError("wuye_sla_early_arrival")
	}
	if target == "arrival" && unit == string(sla.WorkingDays) {
		errs["unit"] = codedError("wuye_sla_arrival_unit")
	}
	opens, closes, days := r.GetString("office_opens"), r.GetString("office_closes"), r.GetString("office_days")
	switch {
	case opens == "" && closes == "" && days == "":
	case opens == "" || closes == "" || days == "":
		for f, v := range map[string]string{"office_opens": opens, "office_closes": closes, "office_days": days} {
			if v == "" {
				errs[f] = codedError("wuye_sla_hours_incomplete")
			}
		}
	case unit == string(sla.WorkingDays):
		errs["office_opens"] = codedError("wuye_sla_hours_working_days")
	default:
		if _, err := sla.ParseHours(opens, closes, days); err != nil {
			if _, e1 := sla.ParseClock(opens); e1 != nil {
				errs["office_opens"] = codedError("wuye_sla_clock")
			} else if _, e2 := sla.ParseClock(closes); e2 != nil {
				errs["office_closes"] = codedError("wuye_sla_clock")
			} else {
				errs["office_closes"] = codedError("wuye_sla_hours_order")
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if r.GetDateTime("ends_at").IsZero() {
		// One policy in force per community, subject, level or urgency and
		// target (the unique index says it too, in English).
		var others int
		err := e.App.DB().Select("COUNT(*)").From("sla_policies").Where(dbx.HashExp{
			"community": r.GetString("community"), "subject": subject, "level": r.GetString("level"),
			"urgency": r.GetString("urgency"), "target": target, "ends_at": ""}).
			AndWhere(dbx.Not(dbx.HashExp{"id": r.Id})).Row(&others)
		if err != nil {
			return err
		}
		if others > 0 {
			return validation.Errors{"target": codedError("wuye_sla_exists")}
		}
	}
	return e.Next()
}

// describePolicy is a policy in a few words, for its timeline.
func describePolicy(r *core.Record) string {
	s := fmt.Sprintf("%s/%s%s/%s %d %s", r.GetString("subject"), r.GetString("level"), r.GetString("urgency"),
		r.GetString("target"), r.GetInt("amount"), r.GetString("unit"))
	if r.GetString("office_opens") != "" {
		s += fmt.Sprintf(" (%s–%s %s)", r.GetString("office_opens"), r.GetString("office_closes"), r.GetString("office_days"))
	}
	return s
}

// policyRow is a policy as the deadline lookup reads it.
type policyRow struct {
	Grade  string `db:"grade"` // the level or urgency it is for; '' for every one
	Target string `db:"target"`
	Amount int    `db:"amount"`
	Unit   string `db:"unit"`
	Early  int    `db:"early_minutes"`
	Opens  string `db:"office_opens"`
	Closes string `db:"office_closes"`
	Days   string `db:"office_days"`
}

// policyAt is the policy of community for subject ("complaint" of level
// grade, "work_order" of urgency grade) and target that was in force at
// instant at: the one for that grade, else the one for every grade. A
// community without one falls back to the manuals' default (lib/sla). ok is
// false when there is no promise at all (a solution deadline for a general
// complaint).
func policyAt(app core.App, community, subject, grade, target string, at time.Time) (p sla.Policy, early time.Duration, ok bool, err error) {
	ps, err := policiesAt(app, community, subject, grade, []string{target}, at)
	if err != nil {
		return p, 0, false, err
	}
	f := ps[target]
	return f.policy, f.early, f.ok, nil
}

// foundPolicy is one target's policy as policiesAt finds it.
type foundPolicy struct {
	policy sla.Policy
	early  time.Duration
	ok     bool
}

// policiesAt is policyAt for several targets at once, in one query (a
// complaint's intake needs three: first response, reply, solution).
func policiesAt(app core.App, community, subject, grade string, targets []string, at time.Time) (map[string]foundPolicy, error) {
	ps, err := policiesAtGrades(app, community, subject, []string{grade}, targets, at)
	if err != nil {
		return nil, err
	}
	return ps[grade], nil
}

// policiesAtGrades is policiesAt for several grades at once, in one query,
// by grade then target (a complaint's intake reads those of its level and
// of a hot one before its transaction: prefetchIntake).
func policiesAtGrades(app core.App, community, subject string, grades, targets []string, at time.Time) (map[string]map[string]foundPolicy, error) {
	gradeField := "level"
	if subject == "work_order" {
		gradeField = "urgency"
	}
	params := dbx.Params{"c": community, "s": subject, "at": at.UTC().Format(types.DefaultDateLayout)}
	in, gin := inList(params, "t", targets), inList(params, "g", grades)
	var rows []policyRow
	err := app.DB().NewQuery(`
		SELECT ` + gradeField + ` AS grade, target, amount, unit, early_minutes, office_opens, office_closes, office_days FROM sla_policies
		WHERE community = {:c} AND subject = {:s} AND ` + policiesInForce("", gradeField, in, gin) + `
		ORDER BY ` + policiesOrder("", gradeField)).
		Bind(params).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("sla policy: %w", err)
	}
	out := make(map[string]map[string]foundPolicy, len(grades))
	for _, grade := range grades {
		out[grade] = pickPolicies(rows, subject, gradeField, grade, targets)
	}
	return out, nil
}

// pickPolicies is each target's policy for grade among rows (ordered by
// target, the grades' own before those for every grade, the latest first),
// else lib/sla's default.
func pickPolicies(rows []policyRow, subject, gradeField, grade string, targets []string) map[string]foundPolicy {
	out := make(map[string]foundPolicy, len(targets))
	for _, target := range targets {
		var row policyRow
		found := false
		for _, r := range rows { // ordered: the grade's own first, then the latest
			if r.Target == target && (r.Grade == grade || r.Grade == "") {
				row, found = r, true
				break
			}
		}
		if !found {
			d, ok := defaultPolicy(subject, gradeField, grade, target)
			if !ok {
				out[target] = foundPolicy{}
				continue
			}
			row = policyRow{Amount: d.Amount, Unit: string(d.Unit), Early: d.Early, Opens: d.Opens, Closes: d.Closes, Days: string(d.Days)}
		}
		p := sla.Policy{Amount: row.Amount, Unit: sla.Unit(row.Unit)}
		if row.Opens != "" {
			if h, err := sla.ParseHours(row.Opens, row.Closes, row.Days); err == nil {
				p.Hours = &h
			}
		}
		out[target] = foundPolicy{policy: p, early: time.Duration(row.Early) * time.Minute, ok: true}
	}
	return out
}

// defaultPolicy is lib/sla's default for the grade, else for every grade.
func defaultPolicy(subject, gradeField, grade, target string) (sla.Default, bool) {
	var general *sla.Default
	for i, d := range sla.Defaults {
		if d.Subject != subject || d.Target != target {
			continue
		}
		g := d.Level
		if gradeField == "urgency" {
			g = d.Urgency
		}
		switch g {
		case grade:
			return d, true
		case "":
			general = &sla.Defaults[i]
		}
	}
	if general != nil {
		return *general, true
	}
	return sla.Default{}, false
}

// slaDue is the deadline target of policyAt(…, intake) counted from from;
// ok is false when the community promises nothing of the kind.
func slaDue(app core.App, community, subject, grade, target string, intake, from time.Time) (time.Time, bool, error) {
	p, _, ok, err := policyAt(app, community, subject, grade, target, intake)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	cal, err := Calendar(app)
	if err != nil {
		return time.Time{}, false, err
	}
	return sla.Due(cal, from, p), true, nil
}

// complaintDeadlines sets a complaint's first response, reply and solution
// deadlines from the policies in force when it was received: on intake
// (unless already set, as by an import), and again when its level changes
// (a complaint graded major, or joining a hot cluster, becomes a complex
// matter with a solution deadline — [002] 三 3.2).
func complaintDeadlines(app core.App, r *core.Record) error {
	received := r.GetDateTime("received_at").Time()
	if received.IsZero() || r.GetString("community") == "" {
		return nil
	}
	levelChanged := !r.IsNew() && r.Original().GetString("level") != r.GetString("level")
	var targets, fields []string
	for _, d := range complaintTargets {
		if !levelChanged && !(r.IsNew() && r.GetDateTime(d[1]).IsZero()) {
			continue
		}
		targets, fields = append(targets, d[0]), append(fields, d[1])
	}
	if len(targets) == 0 {
		return nil
	}
	// The policies of every deadline due in one query, unless read for the
	// intake before its transaction (prefetchIntake).
	ps, ok := prefetchedPolicies(r, targets)
	if !ok {
		var err error
		if ps, err = policiesAt(app, r.GetString("community"), "complaint", r.GetString("level"), targets, received); err != nil {
			return err
		}
	}
	var err error
	var cal *workcal.Calendar
	for i, target := range targets {
		f := ps[target]
		if !f.ok {
			r.Set(fields[i], nil)
			continue
		}
		if cal == nil {
			if cal, err = Calendar(app); err != nil {
				return err
			}
		}
		r.Set(fields[i], sla.Due(cal, received, f.policy))
	}
	return nil
}

// workOrderDeadlines sets a work order's urgency (a minor repair unless
// said otherwise), its reply deadline and its arrival deadline from the
// policies in force when it was received: on intake, and again when the
// desk changes its urgency or appointment. An urgent repair's technician is
// due from the call; a minor repair's from the appointment (none without
// one).
func workOrderDeadlines(app core.App, r *core.Record) error {
	if r.GetString("urgency") == "" {
		r.Set("urgency", "normal")
	}
	received := r.GetDateTime("received_at").Time()
	if received.IsZero() || r.GetString("community") == "" {
		return nil
	}
	var orig *core.Record
	if !r.IsNew() {
		orig = r.Original()
	}
	urgency := r.GetString("urgency")
	urgencyChanged := orig != nil && orig.GetString("urgency") != urgency
	community := r.GetString("community")
	if (orig == nil && r.GetDateTime("reply_due").IsZero()) || (urgencyChanged && r.GetDateTime("replied_at").IsZero()) {
		due, ok, err := slaDue(app, community, "work_order", urgency, "reply", received, received)
		if err != nil {
			return err
		}
		if ok {
			r.Set("reply_due", due)
		}
	}
	appointmentChanged := orig != nil && !orig.GetDateTime("appointment_at").Equal(r.GetDateTime("appointment_at"))
	if (orig == nil && r.GetDateTime("arrival_due").IsZero()) || urgencyChanged || (appointmentChanged && urgency != "urgent") {
		from := received
		if urgency != "urgent" {
			from = r.GetDateTime("appointment_at").Time()
		}
		r.Set("arrival_due", nil)
		if !from.IsZero() {
			due, ok, err := slaDue(app, community, "work_order", urgency, "arrival", received, from)
			if err != nil {
				return err
			}
			if ok {
				r.Set("arrival_due", due)
			}
		}
	}
	return nil
}

// arrivalVerdict judges the technician's arrival at instant arrived against
// the order's arrival policy in force at intake: a minor repair's more than
// the allowed minutes before the appointment is early and after its
// arrival deadline late ([004] 三 7.1: 提前不超出5分钟，迟到不超出2分钟); an
// urgent repair's after its deadline from the call is late. No deadline
// (a minor repair without an appointment): no verdict.
func arrivalVerdict(app core.App, r *core.Record, arrived time.Time) (string, error) {
	due := r.GetDateTime("arrival_due").Time()
	if due.IsZero() {
		return "", nil
	}
	if r.GetString("urgency") == "urgent" {
		return sla.Verdict(arrived, time.Time{}, due, 0), nil
	}
	_, early, _, err := policyAt(app, r.GetString("community"), "work_order", r.GetString("urgency"), "arrival",
		r.GetDateTime("received_at").Time())
	if err != nil {
		return "", err
	}
	return sla.Verdict(arrived, r.GetDateTime("appointment_at").Time(), due, early), nil
}

// policiesInForce is the condition on sla_policies (as alias, "" for the
// table's own name) that keeps the policies of the targets and grades bound
// as in and gin (inList), or for every grade, in force at {:at}.
func policiesInForce(alias, gradeField, in, gin string) string {
	c := func(col string) string {
		if alias == "" {
			return col
		}
		return alias + "." + col
	}
	return c("target") + " IN (" + in + ") AND (" + c(gradeField) + " IN (" + gin + ") OR " + c(gradeField) + " = '')" +
		" AND (" + c("starts_at") + " = '' OR " + c("starts_at") + " <= {:at}) AND (" + c("ends_at") + " = '' OR " + c("ends_at") + " > {:at})"
}

// policiesOrder orders the policies as pickPolicies reads them: by target,
// a grade's own before those for every grade, the latest first.
func policiesOrder(alias, gradeField string) string {
	if alias != "" {
		alias += "."
	}
	return alias + "target, " + alias + gradeField + " = '', " + alias + "starts_at DESC"
}

// inList binds values to params as prefix0, prefix1, … and returns the
// placeholders for an IN (…) list.
func inList(params dbx.Params, prefix string, values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		k := prefix + strconv.Itoa(i)
		params[k] = v
		out[i] = "{:" + k + "}"
	}
	return strings.Join(out, ", ")
}
