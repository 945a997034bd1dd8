package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(parkingSpacesUp, dropper("parking_spaces"), "0066_parking_spaces.go")
}

// parkingSpacesUp adds the community's parking spaces (车位), kept in the
// registry beside the units ([000] 收费员 4.2: parking is billed as its
// own fee item; [004] 二 2: the household's file names its car and space).
// A space is unassigned, owned (产权车位, sold with or to a unit) or leased
// (月租, until a date); the household holding it is the unit. The code is
// the space's number as painted on the floor, unique in the community: it
// is the natural key the Excel import matches on (docs/DESIGN.md
// § Registry).
func parkingSpacesUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	c := core.NewBaseCollection("parking_spaces")
	c.Fields.Add(
		rel("community", communities, true),
		rel("building", buildings, false), // the garage under a building, if any
		text("code", true, 20),
		choice("holding", true, ParkingHoldings...),
		rel("unit", units, false), // the household holding it
		text("plate", false, 20),
		date("lease_until", false),
		&core.NumberField{Name: "monthly_fee_fen", OnlyInt: true, Min: floatPtr(0), Max: floatPtr(10_000_000)},
		text("note", false, 200),
	)
	withAutodates(c)
	c.AddIndex("idx_parking_spaces_code", true, "community, code", "")
	c.AddIndex("idx_parking_spaces_unit", false, "unit", "unit != ''")
	// Staff of the community read the spaces, a household its own; the
	// registry's writers (supervisor, director) keep them. A space is never
	// deleted: one that is no longer let goes back to unassigned.
	read := or(staffOf("community"), livesIn("unit.unit_residents_via_unit"))
	write := writerOf("community")
	setRules(c, rule(read), rule(read), rule(write), rule(write), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("parking_spaces: %w", err)
	}
	return nil
}
