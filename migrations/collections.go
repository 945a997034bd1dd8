package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// Collection helpers: finding the auth collections, changing a collection
// in place, and the down migration that drops collections.

// authCollections finds the staff and residents auth collections.
func authCollections(app core.App) (staff, residents *core.Collection, err error) {
	if staff, err = app.FindCollectionByNameOrId("staff"); err != nil {
		return nil, nil, fmt.Errorf("find staff: %w", err)
	}
	if residents, err = app.FindCollectionByNameOrId("residents"); err != nil {
		return nil, nil, fmt.Errorf("find residents: %w", err)
	}
	return staff, residents, nil
}

// dropper returns a down migration that deletes the named collections in order.
func dropper(names ...string) func(core.App) error {
	return func(app core.App) error {
		for _, name := range names {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				continue
			}
			if err := app.Delete(c); err != nil {
				return fmt.Errorf("drop %s: %w", name, err)
			}
		}
		return nil
	}
}

// changeCollection finds the collection name, lets change alter it and
// saves it. An error of the save is prefixed with what ("what: …"), unless
// what is empty.
func changeCollection(app core.App, name, what string, change func(c *core.Collection) error) error {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		return err
	}
	if err := change(c); err != nil {
		return err
	}
	if err := app.Save(c); err != nil {
		if what == "" {
			return err
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
