package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(shiftHandoversUp, dropper("shift_handovers"), "0062_shift_handovers.go")
}

// shiftHandoversUp adds the front desk's shift handover (交接班, [000]
// 交接班制度; the 客服中心工作记录表 and 交接班记录表 of 前台 5.6–5.7): the
// outgoing clerk opens it, Wuye gathers the shift's work log, the clerk
// counts the cash and the things handed over (remotes, gas cards, keys out,
// parcels held) and hands over to the incoming clerk, who checks and signs
// (hooks/desk_handovers.go).
func shiftHandoversUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("shift_handovers")
	signedFen := func(name string) *core.NumberField {
		return &core.NumberField{Name: name, OnlyInt: true, Min: types.Pointer(float64(-MaxFen)), Max: types.Pointer(float64(MaxFen))}
	}
	c.Fields.Add(
		rel("community", communities, true),
		rel("from_staff", staff, false), // the outgoing clerk: the signed-in clerk who opens it
		rel("to_staff", staff, false),   // the incoming clerk
		choice("status", true, HandoverStatuses...),
		timestamp("shift_start"), // the shift's start: the previous handover, or the day's start
		timestamp("handed_at"),   // the outgoing clerk's signature
		timestamp("accepted_at"), // the incoming clerk's signature
		signedFen("cash_expected_fen"),
		&core.NumberField{Name: "cash_counted_fen", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(float64(MaxFen))},
		signedFen("cash_difference_fen"),
		&core.JSONField{Name: "items", MaxSize: 2000},          // counted: remotes, gas_cards, keys_out, parcels_held
		&core.JSONField{Name: "items_expected", MaxSize: 2000}, // what Wuye and the last handover say
		&core.JSONField{Name: "work_log", MaxSize: 200000},     // the shift's work, gathered at handover
		&core.JSONField{Name: "open_items", MaxSize: 200000},   // what the next shift follows up
		text("notes", false, 4000),
		text("accept_note", false, 2000),
		flag("discrepancy"),
	)
	withAutodates(c)
	// One open handover per clerk and community.
	c.AddIndex("idx_shift_handovers_open", true, "community, from_staff", "status = 'open'")
	c.AddIndex("idx_shift_handovers_to", false, "to_staff, status", "")
	c.AddIndex("idx_shift_handovers_community", false, "community, handed_at", "")
	desk := and(staffOf("community"), roleIn([]string{"front_desk", "cashier", "supervisor", "director"}))
	clerks := and(staffOf("community"), roleIn([]string{"front_desk"}))
	update := and(staffOf("community"), roleIn([]string{"front_desk", "supervisor", "director"}))
	// Which change whose is decided by the flow table in hooks/desk_handovers.go.
	setRules(c, rule(desk), rule(desk), rule(clerks), rule(update), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("shift_handovers: %w", err)
	}
	return nil
}
