package migrations

// Field helpers: the field definitions the migrations repeat, with the
// patterns of civil dates and phone numbers.

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// DatePattern is the shape of a civil date (YYYY-MM-DD). Civil dates such as
// a handover day are stored as text, not as PocketBase datetimes, so that a
// date picked in Asia/Shanghai never shifts by the UTC offset.
const DatePattern = `^\d{4}-\d{2}-\d{2}$`

// PhonePattern accepts mainland mobile numbers and landlines with an area code.
const PhonePattern = `^(1\d{10}|0\d{2,3}-?\d{7,8})$`

func text(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

func date(name string, required bool) *core.TextField {
	return &core.TextField{Name: name, Required: required, Pattern: DatePattern, Max: 10}
}

func rel(name string, to *core.Collection, required bool) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: to.Id, Required: required, MaxSelect: 1}
}

func relMany(name string, to *core.Collection, required bool) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: to.Id, Required: required, MaxSelect: 999}
}

func choice(name string, required bool, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, MaxSelect: 1, Values: values}
}

func integer(name string, required bool, min float64) *core.NumberField {
	return &core.NumberField{Name: name, Required: required, OnlyInt: true, Min: types.Pointer(min)}
}

func floatPtr(f float64) *float64 { return &f }

func flag(name string) *core.BoolField {
	return &core.BoolField{Name: name}
}

func timestamp(name string) *core.DateField {
	return &core.DateField{Name: name}
}

// withAutodates adds the created/updated fields that Go-made collections
// do not get on their own.
func withAutodates(c *core.Collection) {
	c.Fields.Add(
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
}

// withCreated adds only a creation time, for append-only collections.
func withCreated(c *core.Collection) {
	c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
}

// setRules assigns list, view, create, update and delete rules in one call;
// nil means superusers only.
func setRules(c *core.Collection, list, view, create, update, del *string) {
	c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = list, view, create, update, del
}
