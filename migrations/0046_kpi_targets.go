package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(kpiTargetsUp, dropper("kpi_targets"), "0046_kpi_targets.go")
}

// KPITarget is one target of a community's dashboard: a field of
// kpi_targets, the manuals' default, and whether the figure should be at
// most (Lower) rather than at least the target. A rate is a fraction
// (0.95 = 95 %); a count (Count) a whole number. A rate target of 0 means
// "no target" (every rate is at least 0).
type KPITarget struct {
	Field   string
	Default float64
	Lower   bool
	Count   bool
	Source  string // where the default comes from
}

// KPITargets are the dashboard's targets with the manuals' defaults
// (docs/DESIGN.md, "Reports"). The hooks read them through
// hooks.KPITargetsOf; the director edits them per community.
var KPITargets = []KPITarget{
	{Field: "problem_solving_rate", Default: 0.95, Source: "[002] 三 3.3 问题解决率每月 95% 以上"},
	{Field: "annual_satisfaction", Default: 0.9, Source: "[002] 三 3.4 年度业主满意度 90% 以上（定期调查）"},
	{Field: "complaint_on_time_rate", Default: 1, Source: "[004] 三 3.6 2 个工作日内反馈, 3.9 有效投诉处理率 100%"},
	{Field: "complaint_satisfaction", Default: 0, Source: "no manual sets one for complaint revisits"},
	{Field: "reply_rate", Default: 1, Source: "[004] 三 7.6 零修、急修立即率 100%"},
	{Field: "arrival_rate", Default: 1, Source: "[004] 三 7.6"},
	{Field: "rework_rate", Default: 0.01, Lower: true, Source: "[004] 三 7.6 返修率不高于 1%"},
	{Field: "order_satisfaction", Default: 0.95, Source: "[004] 三 7.6 回访满意率不低于 95%"},
	{Field: "home_visit_share", Default: 0.05, Source: "[003] 2.7"},
	{Field: "management_collection_rate", Default: 0.95, Source: "[000] 管理员 4.1.5 物业管理费收缴率 95% 以上"},
	{Field: "utilities_collection_rate", Default: 1, Source: "[000] 管理员 4.1.5 公用事业费及特约服务费 100%"},
	{Field: "patrol_coverage", Default: 1, Source: "[000] 管理员 3.2; [001] 中汇广场 十三"},
	{Field: "renovation_reviews_overdue", Default: 0, Lower: true, Count: true, Source: "[004] 四 3: 2 + 1 working days"},
}

// kpiTargetsUp creates kpi_targets: one row per community, holding the
// targets its dashboard measures the figures against, and gives every
// existing community its row with the manuals' defaults (a community
// created later gets one from hooks/reports_targets.go). Staff of the
// community read them; only its director changes them; nobody creates or
// deletes them through the API.
func kpiTargetsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("kpi_targets")
	// The targets go with their community.
	c.Fields.Add(&core.RelationField{Name: "community", CollectionId: communities.Id, Required: true, MaxSelect: 1, CascadeDelete: true})
	for _, t := range KPITargets {
		f := &core.NumberField{Name: t.Field, Min: floatPtr(0), OnlyInt: t.Count}
		if !t.Count {
			f.Max = floatPtr(1)
		} else {
			f.Max = floatPtr(1000)
		}
		c.Fields.Add(f)
	}
	// Why the office's targets differ from the manuals' (the director's word).
	c.Fields.Add(text("note", false, 500), rel("updated_by", staff, false))
	withAutodates(c)
	c.AddIndex("idx_kpi_targets_community", true, "community", "")
	read := staffOf("community")
	setRules(c, rule(read), rule(read), nil, rule(and(isDirector, staffOf("community"))), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("kpi_targets: %w", err)
	}
	ids := []string{}
	if err := app.DB().Select("id").From("communities").Column(&ids); err != nil {
		return err
	}
	for _, id := range ids {
		r := core.NewRecord(c)
		r.Set("community", id)
		for _, t := range KPITargets {
			r.Set(t.Field, t.Default)
		}
		if err := app.SaveNoValidate(r); err != nil {
			return fmt.Errorf("kpi_targets of %s: %w", id, err)
		}
	}
	return nil
}
