package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(leaseTermsUp, leaseTermsDown, "0067_lease_terms.go")
}

// leaseTermsUp adds a tenancy's terms to the tenant's link: the lease
// contract number and the monthly rent. The area manager keeps "房屋租赁及
// 租金情况" of the households in the area ([000] 管理员 4.5.3, [002] 4.5.3);
// the lease period is the link's since and until. Only a tenant's link
// carries them (hooks/registry_screens.go).
//
// And the parking spaces' changes are events (hooks/registry.go
// auditedFields), read like the spaces themselves by every staff role of
// the community (EventSubjectRoles): the events rule is rebuilt with them.
func leaseTermsUp(app core.App) error {
	err := changeCollection(app, "unit_residents", "unit_residents lease terms", func(links *core.Collection) error {
		links.Fields.Add(
			text("lease_contract_no", false, 50),
			&core.NumberField{Name: "lease_rent_fen", OnlyInt: true, Min: floatPtr(0), Max: floatPtr(100_000_000)},
		)
		return nil
	})
	if err != nil {
		return err
	}
	return rebuildEventsRule(app)
}

func rebuildEventsRule(app core.App) error {
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}

func leaseTermsDown(app core.App) error {
	return changeCollection(app, "unit_residents", "unit_residents lease terms", func(links *core.Collection) error {
		links.Fields.RemoveByName("lease_contract_no")
		links.Fields.RemoveByName("lease_rent_fen")
		return nil
	})
}
