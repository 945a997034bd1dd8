package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(remindersUp, dropper("reminders"), "0010_reminders.go")
}

// remindersUp creates the reminder notices of the arrears ladder.
func remindersUp(app core.App) error {
	bills, _ := app.FindCollectionByNameOrId("bills")
	units, _ := app.FindCollectionByNameOrId("units")
	communities, _ := app.FindCollectionByNameOrId("communities")
	r := core.NewBaseCollection("reminders")
	r.Fields.Add(
		rel("community", communities, true),
		rel("bill", bills, true),
		rel("unit", units, true),
		choice("stage", true, ReminderStages...),
		date("issued_on", true),
		date("deadline", false), // pay by this day; late fees run from the first notice's
		integer("amount_fen", true, 0),
		text("note", false, 500),
	)
	withCreated(r)
	r.AddIndex("idx_reminders_bill_stage", true, "bill, stage", "")
	r.AddIndex("idx_reminders_community", false, "community, issued_on", "")
	seesMoney := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(seesMoney, livesIn("unit.unit_residents_via_unit"))
	// The ladder is the cron job's: nobody writes reminders by hand.
	setRules(r, rule(read), rule(read), nil, nil, nil)
	return app.Save(r)
}
