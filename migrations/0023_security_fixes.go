package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(securityFixesUp, securityFixesDown, "0023_security_fixes.go")
}

// Rules found too wide by the permission matrix (hooks/permissions_test.go,
// docs/PERMISSIONS.md).
//
// serviceItemsReadBefore: before this migration any signed-in account read
// the active price list of every community — residents and staff of another
// community included, although staff see nothing of a community they do not
// serve (docs/DESIGN.md, "Accounts and access"). Now staff read their
// communities' items, residents the active items of the communities they
// currently live in, as with fee_items (serviceItemsRead, rules.go).
var serviceItemsReadBefore = or(and(signedIn, `active = true`), staffOf("community"))

func securityFixesUp(app core.App) error {
	return setServiceItemsRead(app, serviceItemsRead)
}

func securityFixesDown(app core.App) error {
	return setServiceItemsRead(app, serviceItemsReadBefore)
}

func setServiceItemsRead(app core.App, read string) error {
	return changeCollection(app, "service_items", "service_items rules", func(items *core.Collection) error {
		items.ListRule, items.ViewRule = rule(read), rule(read)
		return nil
	})
}
