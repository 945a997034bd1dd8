package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(discountsUp, nil, "0013_discounts.go")
}

// discountsUp lets the community's supervisors and director grant a
// discount on a bill (减免); the hook admits nothing else.
func discountsUp(app core.App) error {
	return changeCollection(app, "bills", "", func(bills *core.Collection) error {
		bills.UpdateRule = rule(and(staffOf("community"), `(@request.auth.role = "supervisor" || @request.auth.role = "director")`))
		return nil
	})
}
