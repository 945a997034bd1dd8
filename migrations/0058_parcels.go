package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(parcelsUp, dropper("parcels"), "0058_parcels.go")
}

// parcelsUp creates the mail and parcels register (邮件/挂号信/快递, [000]
// 前台 4.2; docs/DESIGN.md, "Front desk registers"): what the postman or a
// courier left for a unit, signed for at the desk, the household told in
// the portal, handed over against a signature (and an ID for registered
// mail, 4.2.4), or returned (4.2.6.2). The desk and its stand-ins write it;
// the register's readers and the unit's current residents read it. The
// hooks (hooks/desk_parcels.go) keep the flow; nothing is deleted.
func parcelsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	p := core.NewBaseCollection("parcels")
	p.Fields.Add(
		rel("community", communities, true), // the unit's, set by the hook
		rel("unit", units, true),
		choice("kind", true, ParcelKinds...),
		text("recipient_name", false, 50), // 收件人姓名 (4.2.4.1)
		text("carrier", false, 50),
		text("tracking_no", false, 60),
		text("note", false, 500),
		choice("status", true, ParcelStatuses...),
		timestamp("received_at"),
		rel("received_by", staff, false),
		timestamp("notified_at"),
		timestamp("called_at"), // the evening round's call about an overdue item (4.2.6.1)
		text("call_note", false, 500),
		text("picked_up_by", false, 50),
		text("picked_up_id_no", false, 30),
		&core.FileField{Name: "signature", MaxSelect: 1, MaxSize: 2 << 20, Protected: true, MimeTypes: []string{"image/png", "image/jpeg", "image/webp"}},
		timestamp("picked_up_at"),
		rel("handed_by", staff, false),
		text("return_reason", false, 500),
		timestamp("returned_at"),
	)
	withAutodates(p)
	p.AddIndex("idx_parcels_held", false, "community, status, received_at", "")
	p.AddIndex("idx_parcels_unit", false, "unit, status", "")
	read := or(and(staffOf("community"), roleIn(DeskRegisterReaders)), livesIn("unit.unit_residents_via_unit"))
	write := and(staffOf("unit.community"), roleIn(DeskRegisterWriters))
	update := and(staffOf("community"), roleIn(DeskRegisterWriters))
	setRules(p, rule(read), rule(read), rule(write), rule(update), nil)
	if err := app.Save(p); err != nil {
		return fmt.Errorf("parcels: %w", err)
	}
	return nil
}
