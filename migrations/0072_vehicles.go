package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(vehiclesUp, dropper("vehicles"), "0072_vehicles.go")
}

// vehiclesUp adds the household's vehicles ([004] 二 2, the household file;
// [000] 收费员 4.1.3 parking fees): the plate (validated as a Chinese plate,
// new-energy eight-character plates included, hooks/households_plates.go),
// the unit, and the parking space it stands on, held by the same unit.
func vehiclesUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	units, _ := app.FindCollectionByNameOrId("units")
	spaces, err := app.FindCollectionByNameOrId("parking_spaces")
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("vehicles")
	c.Fields.Add(
		rel("community", communities, false), // the unit's, set by the server
		rel("unit", units, true),
		text("plate", true, 10), // normalised by the server: 渝A12345, 渝AD12345
		flag("new_energy"),      // set by the server from the plate
		text("brand", false, 30),
		text("color", false, 10),
		text("owner_name", false, 50),
		rel("parking_space", spaces, false),
		flag("active"), // a transfer retires the old household's
		text("note", false, 200),
	)
	withAutodates(c)
	c.AddIndex("idx_vehicles_unit", false, "unit, active", "")
	c.AddIndex("idx_vehicles_plate", false, "community, plate", "")
	read := householdRead(VehicleReaders)
	rw := householdWrite()
	setRules(c, rule(read), rule(read), rule(rw), rule(rw), rule(rw))
	if err := app.Save(c); err != nil {
		return fmt.Errorf("vehicles: %w", err)
	}
	return nil
}
