package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(ownershipTransfersUp, dropper("ownership_transfers"), "0073_ownership_transfers.go")
}

// ownershipTransfersUp adds ownership_transfers (过户): a record per
// transfer of a unit, with its documents; recording one ends the old
// owners' links (and their household's) and starts the new owners'
// (hooks/households_transfers.go). A transfer is history: never changed or
// deleted. The events of the household file are read by its keepers
// (EventSubjectRoles).
func ownershipTransfersUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	units, _ := app.FindCollectionByNameOrId("units")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("ownership_transfers")
	c.Fields.Add(
		text("serial", false, 30), // GH-YYYYMMDD-NNNN, set by the server
		rel("community", communities, false),
		rel("unit", units, true),
		relMany("from_owners", residents, false), // set by the server: the owners whose links it ended
		relMany("to_owners", residents, true),
		date("transferred_on", true),
		choice("reason", true, TransferReasons...),
		&core.FileField{Name: "documents", MaxSelect: 10, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}},
		text("note", false, 500),
		rel("recorded_by", staff, false), // set by the server
	)
	withAutodates(c)
	c.AddIndex("idx_ownership_transfers_unit", false, "unit, transferred_on", "")
	read := and(staffOf("community"), roleIn(HouseholdReaders))
	create := writerOf("unit.community")
	setRules(c, rule(read), rule(read), rule(create), nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("ownership_transfers: %w", err)
	}
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}
