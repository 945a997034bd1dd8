package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(meterReplacementsUp, meterReplacementsDown, "0074_meter_replacements.go")
}

// MeterReadingWriters may enter meter readings and record a meter
// replacement: the cashier, the supervisor and the director of the unit's
// community, and the area manager of the unit's own area, who walks the
// building ([000] 管理员 3.x; docs/DESIGN.md, "Fees", Meter readings).
var meterReadingWriters = or(
	and(staffOf("unit.community"), roleIn([]string{"cashier", "supervisor", "director"})),
	and(staffOf("unit.community"), `@request.auth.role = "area_manager"`, `unit.building.area.manager = @request.auth.id`),
)

// meterReplacementsUp creates meter replacements (换表记录): a meter swapped
// for a new one ends at the old meter's final reading and starts again at
// the new meter's start reading, on a day, for a reason, recorded by whom;
// the readings after it are compared with the new start, and consumption
// across it is (old final − reading before) + (reading after − new start)
// (hooks/fees_meter_replacements.go). Append-only like the readings. The
// readings' create rule is narrowed to the writers above: an area manager
// enters the readings of their own area only, and the director may too.
func meterReplacementsUp(app core.App) error {
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		return err
	}
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("meter_replacements")
	c.Fields.Add(
		rel("community", communities, false), // the unit's, set by the server
		rel("unit", units, true),
		choice("meter", true, Meters...),
		&core.NumberField{Name: "old_final_reading", Required: false, Min: floatPtr(0), Max: floatPtr(1e9)},
		&core.NumberField{Name: "new_start_reading", Required: false, Min: floatPtr(0), Max: floatPtr(1e9)},
		date("replaced_on", true),
		text("new_meter_no", false, 50),
		text("reason", true, 500),
		rel("recorded_by", staff, false),
	)
	withAutodates(c)
	c.AddIndex("idx_meter_replacements_unit", true, "unit, meter, replaced_on", "")
	read := or(staffOf("unit.community"), livesIn("unit.unit_residents_via_unit"))
	setRules(c, rule(read), rule(read), rule(meterReadingWriters), nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("meter_replacements: %w", err)
	}
	if err := changeCollection(app, "meter_readings", "meter_readings writers", func(r *core.Collection) error {
		r.CreateRule = rule(meterReadingWriters)
		return nil
	}); err != nil {
		return err
	}
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}

func meterReplacementsDown(app core.App) error {
	if err := changeCollection(app, "meter_readings", "", func(r *core.Collection) error {
		r.CreateRule = rule(and(staffOf("unit.community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor")`))
		return nil
	}); err != nil {
		return err
	}
	return dropper("meter_replacements")(app)
}
