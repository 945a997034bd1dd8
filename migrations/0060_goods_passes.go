package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(goodsPassesUp, dropper("goods_passes"), "0060_goods_passes.go")
}

// goodsPassesUp creates goods passes (出门条, [001] 中汇广场 十一; docs/DESIGN.md,
// "Front desk registers"): a resident of the unit asks in the portal, or the
// desk issues one, for the items leaving on a day; the desk confirms the
// applicant (a tenant's furniture and appliances need the owner's
// consent); security checks the pass at the gate by its code, once
// (POST /api/wuye/goods-passes/check); a pass not used on its day expires.
// The unit's current residents read its passes (the owner consents to a
// tenant's); the desk, security, area managers, supervisors and director
// of the community read them.
func goodsPassesUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
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
	g := core.NewBaseCollection("goods_passes")
	g.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		rel("unit", units, true),
		rel("applicant", residents, false), // a resident who asked in the portal
		text("applicant_name", true, 50),
		text("applicant_phone", false, 20),
		text("items", true, 1000),
		text("code", false, 12), // printed on the pass, typed at the gate
		flag("bulky"),           // furniture or appliances
		flag("tenant"),          // asked by a tenant: bulky goods need the owner's consent
		date("valid_on", true),
		choice("status", true, GoodsPassStatuses...),
		text("owner_consent", false, 200), // how the owner agreed, when the desk records it
		rel("consent_by", residents, false),
		rel("approved_by", staff, false),
		timestamp("approved_at"),
		text("reject_reason", false, 500),
		timestamp("used_at"),
		rel("checked_by", staff, false),
		timestamp("expired_at"),
		rel("issued_by", staff, false),
	)
	withAutodates(g)
	g.AddIndex("idx_goods_passes_serial", true, "serial", "serial != ''")
	g.AddIndex("idx_goods_passes_code", true, "code", "code != ''")
	g.AddIndex("idx_goods_passes_day", false, "community, valid_on, status", "")
	read := or(and(staffOf("community"), roleIn(DeskRegisterReaders)), livesIn("unit.unit_residents_via_unit"))
	create := or(and(staffOf("unit.community"), roleIn(DeskRegisterWriters)), livesIn("unit.unit_residents_via_unit"))
	update := or(and(staffOf("community"), roleIn(DeskRegisterWriters)), livesIn("unit.unit_residents_via_unit"))
	setRules(g, rule(read), rule(read), rule(create), rule(update), nil)
	if err := app.Save(g); err != nil {
		return fmt.Errorf("goods_passes: %w", err)
	}
	return nil
}
