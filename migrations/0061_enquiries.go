package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(enquiriesUp, dropper("enquiries"), "0061_enquiries.go")
}

// enquiriesUp creates the enquiry register (咨询记录, [000] 前台 4.1.1;
// docs/DESIGN.md, "Front desk registers"): who asked, about which unit if
// any, what, and the answer given — or when one was promised (4.1.1.2). An
// enquiry that is really a complaint or a repair becomes one in one step
// (POST /api/wuye/enquiries/{id}/convert), converted_to naming it. The desk,
// the area managers, the supervisors and the director of the community keep
// it; nothing is deleted.
//
// It is the last of the four front-desk registers (0058–0061): their events
// are read by their readers (EventSubjectRoles), so the events rule is
// rebuilt here.
func enquiriesUp(app core.App) error {
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
	q := core.NewBaseCollection("enquiries")
	q.Fields.Add(
		rel("community", communities, true),
		rel("unit", units, false),
		text("caller_name", true, 50),
		&core.TextField{Name: "caller_phone", Max: 20, Pattern: PhonePattern},
		choice("channel", true, EnquiryChannels...),
		text("topic", true, 200),
		text("answer", false, 2000),
		date("answer_due", false), // a reply promised for later (4.1.1.2)
		timestamp("answered_at"),
		text("converted_to", false, 30),
		choice("converted_kind", false, EnquiryConversions...),
		rel("taken_by", staff, false),
	)
	withAutodates(q)
	q.AddIndex("idx_enquiries_month", false, "community, created", "")
	keep := and(staffOf("community"), roleIn(EnquiryKeepers))
	setRules(q, rule(keep), rule(keep), rule(keep), rule(keep), nil)
	if err := app.Save(q); err != nil {
		return fmt.Errorf("enquiries: %w", err)
	}
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}
