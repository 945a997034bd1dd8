package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(securityFixesUp, securityFixesDown, "0023_security_fixes.go")
}

// Rules found too wide by the permission matrix (hooks/permissions_test.go,
// docs/PERMISSIONS.md).

// serviceItemsRead before this migration: any signed-in account read the
// active price list of every community — residents and staff of another
// community included, against SPEC §9 ("staff see nothing of a community they
// do not serve"). Now staff read their communities' items, residents the
// active items of the communities they currently live in, as with fee_items.
var serviceItemsRead = or(
	staffOf("community"),
	and(`active = true`, livesIn("community.units_via_community.unit_residents_via_unit")),
)

var serviceItemsReadBefore = or(and(signedIn, `active = true`), staffOf("community"))

func securityFixesUp(app core.App) error {
	return setServiceItemsRead(app, serviceItemsRead)
}

func securityFixesDown(app core.App) error {
	return setServiceItemsRead(app, serviceItemsReadBefore)
}

func setServiceItemsRead(app core.App, read string) error {
	items, err := app.FindCollectionByNameOrId("service_items")
	if err != nil {
		return err
	}
	items.ListRule, items.ViewRule = rule(read), rule(read)
	if err := app.Save(items); err != nil {
		return fmt.Errorf("service_items rules: %w", err)
	}
	return nil
}
