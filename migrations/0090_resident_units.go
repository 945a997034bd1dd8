package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(residentUnitsUp, residentUnitsDown, "0090_resident_units.go")
}

// The units a resident currently lives in, kept on the resident beside the
// communities and buildings of migration 0029 (same hooks, same SQL), and
// every rule's "lives in this unit" read from them (resident_units.go says
// why). What each rule grants does not change: the permission matrix
// (docs/PERMISSIONS.md) is the same before and after.
func residentUnitsUp(app core.App) error {
	err := changeCollection(app, "residents", "residents units", func(residents *core.Collection) error {
		units, err := app.FindCollectionByNameOrId("units")
		if err != nil {
			return err
		}
		f := relMany("units", units, false)
		f.Hidden = true
		residents.Fields.Add(f)
		return nil
	})
	if err != nil {
		return err
	}
	if err := RebuildResidentPlaces(app); err != nil {
		return err
	}
	return rewriteRules(app, ResidentUnitRule)
}

func residentUnitsDown(app core.App) error {
	if err := rewriteRules(app, UnlinkedResidentUnitRule); err != nil {
		return err
	}
	return changeCollection(app, "residents", "residents units", func(residents *core.Collection) error {
		residents.Fields.RemoveByName("units")
		return nil
	})
}

// rewriteRules applies rewrite to every rule of every collection and saves
// the collections it changed.
func rewriteRules(app core.App, rewrite func(string) string) error {
	collections, err := app.FindAllCollections()
	if err != nil {
		return err
	}
	for _, c := range collections {
		changed := false
		for _, r := range []**string{&c.ListRule, &c.ViewRule, &c.CreateRule, &c.UpdateRule, &c.DeleteRule} {
			if *r == nil {
				continue
			}
			if after := rewrite(**r); after != **r {
				*r, changed = rule(after), true
			}
		}
		if changed {
			if err := app.Save(c); err != nil {
				return fmt.Errorf("%s rules: %w", c.Name, err)
			}
		}
	}
	return nil
}
