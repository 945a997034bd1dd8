package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(residentAccountsUp, residentAccountsDown, "0030_resident_accounts.go")
}

// Residents' accounts are the residents' own (issue #16, item 1: a
// supervisor of 银杏苑 linked a 翠湖花园 owner to a 银杏苑 unit, then — the
// manage rule covering anyone ever linked to a unit of the caller's
// community — set that owner's password and e-mail, signed in as them and
// read their bills and complaints).
//
//   - No manage rule: staff never set a resident's password, e-mail or
//     verified flag (PocketBase lets only managers do that without the old
//     password). The desk starts a reset the resident completes instead
//     (POST /api/wuye/residents/{id}/password-reset, hooks/resident_accounts.go).
//   - Staff read and edit (name, phone) only the residents who currently
//     live in one of their communities: the resident's communities field
//     (active links only, kept by hooks/registry_places.go), not every link ever made.
//     A link still waiting for the resident's consent grants nothing.
//   - unit_residents.pending: a link to a resident who does not live in the
//     caller's communities waits for the resident to confirm it in the
//     portal; until then it is inactive (hooks/resident_accounts.go).
var (
	residentsReadBefore   = or(`id = @request.auth.id`, and(isStaff, `unit_residents_via_resident.unit.community ?= @request.auth.communities.id`))
	residentsManageBefore = and(registryWriter, `unit_residents_via_resident.unit.community ?= @request.auth.communities.id`)
	residentsUpdateBefore = or(`id = @request.auth.id`, residentsManageBefore)

	residentsRead   = or(`id = @request.auth.id`, and(isStaff, `communities.id ?= @request.auth.communities.id`))
	residentsUpdate = or(`id = @request.auth.id`, and(registryWriter, `communities.id ?= @request.auth.communities.id`))
)

func residentAccountsUp(app core.App) error {
	err := changeCollection(app, "residents", "residents rules", func(residents *core.Collection) error {
		residents.ListRule, residents.ViewRule = rule(residentsRead), rule(residentsRead)
		residents.UpdateRule = rule(residentsUpdate)
		residents.ManageRule = nil
		return nil
	})
	if err != nil {
		return err
	}
	return changeCollection(app, "unit_residents", "unit_residents pending", func(links *core.Collection) error {
		links.Fields.Add(flag("pending"))
		return nil
	})
}

func residentAccountsDown(app core.App) error {
	err := changeCollection(app, "residents", "residents rules", func(residents *core.Collection) error {
		residents.ListRule, residents.ViewRule = rule(residentsReadBefore), rule(residentsReadBefore)
		residents.UpdateRule = rule(residentsUpdateBefore)
		residents.ManageRule = rule(residentsManageBefore)
		return nil
	})
	if err != nil {
		return err
	}
	return changeCollection(app, "unit_residents", "unit_residents pending", func(links *core.Collection) error {
		links.Fields.RemoveByName("pending")
		return nil
	})
}
