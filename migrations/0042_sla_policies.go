package migrations

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"wuye/lib/sla"
)

func init() {
	m.Register(slaPoliciesUp, slaPoliciesDown, "0042_sla_policies.go")
}

// ClockPattern is the shape of a time of day, HH:MM (00:00–23:59).
const ClockPattern = `^([01]\d|2[0-3]):[0-5]\d$`

// slaPoliciesUp creates sla_policies, the service center's promises as data
// (docs/DESIGN.md, "Service levels"): per community, what a deadline is
// about (a complaint of a level, a work order of an urgency), which deadline
// (first response, reply, solution, arrival), how much (amount and unit) and
// whether it is counted inside the opening hours. A deadline takes the
// policy in force at intake: an edit closes the old version (ends_at) and
// the record carries on from starts_at, so the rows are the policy's
// history. Every community starts with the manuals' defaults (lib/sla).
//
// Complaints gain the solution deadline of a complex matter ([002] 三 3.2)
// and its overdue flag.
func slaPoliciesUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("sla_policies")
	community := rel("community", communities, true)
	community.CascadeDelete = true // a community's promises go with it
	c.Fields.Add(
		community,
		choice("subject", true, SLASubjects...),
		choice("level", false, ComplaintLevels...),
		choice("urgency", false, Urgencies...),
		choice("target", true, SLATargets...),
		&core.NumberField{Name: "amount", Required: true, OnlyInt: true, Min: floatPtr(1), Max: floatPtr(10000)},
		choice("unit", true, SLAUnits...),
		&core.NumberField{Name: "early_minutes", OnlyInt: true, Min: floatPtr(0), Max: floatPtr(1440)},
		&core.TextField{Name: "office_opens", Pattern: ClockPattern, Max: 5},
		&core.TextField{Name: "office_closes", Pattern: ClockPattern, Max: 5},
		choice("office_days", false, OfficeDays...),
		timestamp("starts_at"),
		timestamp("ends_at"),
		rel("changed_by", staff, false),
	)
	withAutodates(c)
	// One policy in force per community, subject, level or urgency and target.
	c.AddIndex("idx_sla_policies_current", true, "community, subject, level, urgency, target", "ends_at = ''")
	// Staff of the community read the promises; residents read their
	// community's (the portal tells them when a reply is due); only the
	// director of the community sets them. Nobody but a platform
	// administrator deletes one: the rows are the history deadlines were
	// set by.
	read := or(staffOf("community"), residentOf("community"))
	director := and(isDirector, `@request.auth.communities.id ?= community`)
	setRules(c, rule(read), rule(read), rule(director), rule(director), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("sla_policies: %w", err)
	}
	if err := changeCollection(app, "complaints", "complaints.solution_due", func(cc *core.Collection) error {
		cc.Fields.Add(timestamp("solution_due"), flag("solution_overdue"))
		return nil
	}); err != nil {
		return err
	}
	all, err := app.FindAllRecords("communities")
	if err != nil {
		return err
	}
	for _, community := range all {
		if err := SeedSLAPolicies(app, community.Id); err != nil {
			return err
		}
	}
	return nil
}

// SeedSLAPolicies gives community the default policies it does not have
// yet (lib/sla.Defaults), in force since always (no starts_at). The hooks
// call it for a new community.
func SeedSLAPolicies(app core.App, community string) error {
	col, err := app.FindCachedCollectionByNameOrId("sla_policies")
	if err != nil {
		return err
	}
	for _, d := range sla.Defaults {
		n, err := app.CountRecords(col, dbx.HashExp{"community": community, "subject": d.Subject,
			"level": d.Level, "urgency": d.Urgency, "target": d.Target, "ends_at": ""})
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		r := core.NewRecord(col)
		r.Set("community", community)
		r.Set("subject", d.Subject)
		r.Set("level", d.Level)
		r.Set("urgency", d.Urgency)
		r.Set("target", d.Target)
		r.Set("amount", d.Amount)
		r.Set("unit", string(d.Unit))
		r.Set("early_minutes", d.Early)
		r.Set("office_opens", d.Opens)
		r.Set("office_closes", d.Closes)
		r.Set("office_days", string(d.Days))
		if err := app.Save(r); err != nil {
			return fmt.Errorf("seed sla policy %s/%s for %s: %w", d.Subject, d.Target, community, err)
		}
	}
	return nil
}

func slaPoliciesDown(app core.App) error {
	if err := changeCollection(app, "complaints", "", func(cc *core.Collection) error {
		cc.Fields.RemoveByName("solution_due")
		cc.Fields.RemoveByName("solution_overdue")
		return nil
	}); err != nil {
		return err
	}
	return dropper("sla_policies")(app)
}
