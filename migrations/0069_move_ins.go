package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(moveInsUp, dropper("move_ins"), "0069_move_ins.go")
}

// moveInsUp creates the move-in (入伙, [004] 四 2 物业入伙管理规程; [000] 前台
// 4.3, 助理 4.9; docs/DESIGN.md, "Move-in (入伙)"): one per unit and owner,
// from the notice (入伙通知书, its date the one the management fee may start
// from, [004] 四 2 4.5) through the papers checked at the desk (4.3.1), the
// joint inspection with its meter readings and defects (验房, 4.4), the
// repairs re-inspected until cleared, the move-in fees, the keys (4.6) and
// the signed documents (4.7). The hooks (hooks/movein*.go) hold the steps;
// the API rules say who reads and writes: MoveInReaders of the community
// and the owner the move-in is for; the desk, its supervisors and director
// open them; MoveInWriters take the steps the flow gives them. Nothing is
// deleted: a move-in that does not go ahead is cancelled.
func moveInsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	buildings, err := app.FindCollectionByNameOrId("buildings")
	if err != nil {
		return err
	}
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		return err
	}
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	signed := func(name string) *core.FileField {
		return &core.FileField{Name: name, MaxSelect: 1, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"image/png", "image/jpeg", "image/webp", "application/pdf"}}
	}
	c := core.NewBaseCollection("move_ins")
	c.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		rel("building", buildings, false), // the unit's, for the notices of a building and the board
		rel("unit", units, true),
		rel("resident", residents, true), // the owner taking the unit
		date("notice_date", true),        // the date on the 入伙通知书
		timestamp("appointment_at"),      // booked time on the move-in day
		choice("status", true, MoveInStatuses...),
		&core.JSONField{Name: "documents", MaxSize: 4000}, // {"id_card": {"by", "by_name", "at"}, …}
		&core.JSONField{Name: "readings", MaxSize: 1000},  // {"water": 12.5, "electric": 301, "gas": 4}
		&core.JSONField{Name: "defects", MaxSize: 20000},  // [{"description", "category", "work_order", "serial", "cleared_at", "cleared_by", "rework"}]
		rel("inspected_by", staff, false),
		timestamp("documents_checked_at"),
		timestamp("inspected_at"),
		timestamp("ready_at"),
		&core.NumberField{Name: "keys_count", OnlyInt: true, Min: floatPtr(0), Max: floatPtr(20)},
		timestamp("keys_handed_at"),
		timestamp("fees_billed_at"),
		signed("covenant"),             // 管理规约
		signed("renovation_agreement"), // 装修管理协议
		signed("fire_safety"),          // 消防安全责任书
		date("moved_in_on", false),
		timestamp("completed_at"),
		text("cancel_reason", false, 500),
		timestamp("cancelled_at"),
		text("note", false, 1000),
		rel("handled_by", staff, false),
	)
	withAutodates(c)
	c.AddIndex("idx_move_ins_serial", true, "serial", "serial != ''")
	// One move-in under way per unit.
	c.AddIndex("idx_move_ins_open", true, "unit", "status NOT IN ('completed', 'cancelled')")
	c.AddIndex("idx_move_ins_board", false, "community, status, appointment_at", "")
	read := or(and(staffOf("community"), roleIn(MoveInReaders)), and(isResident, `resident = @request.auth.id`))
	create := and(staffOf("unit.community"), roleIn([]string{"front_desk", "supervisor", "director"}))
	update := and(staffOf("community"), roleIn(MoveInWriters))
	setRules(c, rule(read), rule(read), rule(create), rule(update), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("move_ins: %w", err)
	}
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}
