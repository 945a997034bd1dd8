package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(meterReadingsAppendOnlyUp, meterReadingsAppendOnlyDown, "0035_meter_readings_append_only.go")
}

// Meter readings are append-only (issue #16 item 9): before this migration
// a cashier could rewrite any reading, with no event, backwards, and with
// any read_by. Now nobody updates or deletes a reading; a wrong one is
// corrected by a new reading that names it (corrects) and says why
// (reason), on the same day; billing reads the latest reading that no
// other corrects (hooks/billing.go). Who read it is the server's
// (hooks/meter_readings.go).
func meterReadingsAppendOnlyUp(app core.App) error {
	return changeCollection(app, "meter_readings", "meter_readings append-only", func(readings *core.Collection) error {
		readings.Fields.Add(
			&core.RelationField{Name: "corrects", CollectionId: readings.Id, MaxSelect: 1},
			text("reason", false, 500),
		)
		// One reading per unit, meter and day — and any number of corrections
		// of it, each naming the one it corrects (one correction per reading).
		readings.RemoveIndex("idx_meter_readings_unit")
		readings.AddIndex("idx_meter_readings_unit", true, "unit, meter, read_on", "corrects = ''")
		readings.AddIndex("idx_meter_readings_corrects", true, "corrects", "corrects != ''")
		readings.UpdateRule, readings.DeleteRule = nil, nil
		return nil
	})
}

func meterReadingsAppendOnlyDown(app core.App) error {
	return changeCollection(app, "meter_readings", "", func(readings *core.Collection) error {
		readings.RemoveIndex("idx_meter_readings_corrects")
		readings.RemoveIndex("idx_meter_readings_unit")
		readings.AddIndex("idx_meter_readings_unit", true, "unit, meter, read_on", "")
		readings.Fields.RemoveByName("corrects")
		readings.Fields.RemoveByName("reason")
		readings.UpdateRule = rule(and(staffOf("unit.community"), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`))
		return nil
	})
}
