package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(moveOutsUp, dropper("move_outs"), "0076_move_outs.go")
}

// Move-out vocabularies (docs/DESIGN.md, "Move-out (迁出)").
var (
	MoveOutStatuses = []string{"requested", "cleared", "completed", "cancelled"}
	// MoveOutReaders read the unit's move-outs; MoveOutWriters take them
	// (the desk files and completes, the cashier issues the final bill and
	// clears).
	MoveOutReaders = []string{"front_desk", "area_manager", "cashier", "supervisor", "director"}
	MoveOutWriters = []string{"front_desk", "cashier", "supervisor", "director"}
)

// moveOutsUp creates move-outs (迁出, serial QC-): a household leaving a
// unit is cleared — arrears settled, keys returned, final meter readings,
// the final bill — before its link to the unit ends (hooks/moveout.go).
// The owner or tenant asks in the portal or the desk files it; the
// resident follows their own move-out even after their link has ended.
func moveOutsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		return err
	}
	passes, err := app.FindCollectionByNameOrId("goods_passes")
	if err != nil {
		return err
	}
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("move_outs")
	c.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, false), // the unit's, set by the server
		rel("unit", units, true),
		rel("resident", residents, true),
		text("resident_name", false, 50),             // as at the request (the slip names them after their link ended)
		choice("relation", false, "owner", "tenant"), // the resident's link, set by the server
		date("requested_on", false),                  // set by the server
		date("move_out_on", true),                    // the moving day
		choice("status", true, MoveOutStatuses...),
		text("note", false, 500),
		rel("filed_by", staff, false),
		timestamp("final_billed_at"),
		rel("final_billed_by", staff, false),
		timestamp("cleared_at"),
		rel("cleared_by", staff, false),
		timestamp("completed_at"),
		rel("completed_by", staff, false),
		timestamp("cancelled_at"),
		text("cancel_reason", false, 500),
		rel("goods_pass", passes, false),
	)
	withAutodates(c)
	c.AddIndex("idx_move_outs_serial", true, "serial", "serial != ''")
	// One open move-out per household and unit.
	c.AddIndex("idx_move_outs_open", true, "unit, resident", "status IN ('requested', 'cleared')")
	c.AddIndex("idx_move_outs_community", false, "community, status", "")
	read := or(and(staffOf("community"), roleIn(MoveOutReaders)), and(isResident, `resident = @request.auth.id`))
	create := or(and(staffOf("unit.community"), roleIn(MoveOutWriters)), livesIn("unit.unit_residents_via_unit"))
	update := or(and(staffOf("community"), roleIn(MoveOutWriters)), and(isResident, `resident = @request.auth.id`))
	setRules(c, rule(read), rule(read), rule(create), rule(update), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("move_outs: %w", err)
	}
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}
