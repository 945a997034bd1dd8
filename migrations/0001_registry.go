package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(registryUp, dropper("unit_residents", "units", "buildings", "areas", "residents", "staff", "communities"), "0001_registry.go")
}

// registryUp creates the property registry: community → area → building →
// unit, the two auth collections and the resident ↔ unit links.
//
// No registry collection carries a free-text staff note: a field a resident
// can read or filter on is no place for internal remarks, which belong in
// staff-only collections.
func registryUp(app core.App) error {
	// The stock "users" collection allows public sign-up; Wuye has its own
	// staff and residents collections instead.
	if users, err := app.FindCollectionByNameOrId("users"); err == nil {
		if err := app.Delete(users); err != nil {
			return fmt.Errorf("drop users: %w", err)
		}
	}

	communities := core.NewBaseCollection("communities")
	communities.Fields.Add(
		text("name", true, 100),
		text("code", false, 20),
		text("address", false, 200),
		text("phone", false, 30),
	)
	withAutodates(communities)
	communities.AddIndex("idx_communities_code", true, "code", "code != ''")
	if err := app.Save(communities); err != nil {
		return fmt.Errorf("communities: %w", err)
	}

	staff := core.NewAuthCollection("staff")
	staff.Fields.Add(
		text("name", true, 50),
		&core.TextField{Name: "phone", Required: true, Pattern: PhonePattern, Max: 20},
		choice("role", true, Roles...),
		relMany("communities", communities, false),
		flag("active"),
	)
	withAutodates(staff)
	staff.AddIndex("idx_staff_phone", true, "phone", "")
	staff.PasswordAuth.IdentityFields = []string{"email", "phone"}
	// Staff who leave are deactivated, not deleted: they keep their history
	// but can no longer sign in.
	staff.AuthRule = rule("active = true")
	staff.ManageRule = rule(and(isDirector, `@request.auth.communities.id ?= communities.id`))
	sameCommunity := and(isStaff, `@request.auth.communities.id ?= communities.id`)
	setRules(staff,
		rule(sameCommunity), rule(sameCommunity),
		rule(isDirector),
		rule(or(`id = @request.auth.id`, and(isDirector, `@request.auth.communities.id ?= communities.id`))),
		nil,
	)
	if err := app.Save(staff); err != nil {
		return fmt.Errorf("staff: %w", err)
	}

	residents := core.NewAuthCollection("residents")
	residents.Fields.Add(
		text("name", true, 50),
		&core.TextField{Name: "phone", Required: true, Pattern: PhonePattern, Max: 20},
	)
	withAutodates(residents)
	residents.AddIndex("idx_residents_phone", true, "phone", "")
	residents.PasswordAuth.IdentityFields = []string{"email", "phone"}
	if err := app.Save(residents); err != nil {
		return fmt.Errorf("residents: %w", err)
	}

	areas := core.NewBaseCollection("areas")
	areas.Fields.Add(
		rel("community", communities, true),
		text("name", true, 50),
		rel("manager", staff, false),
	)
	withAutodates(areas)
	areas.AddIndex("idx_areas_community_name", true, "community, name", "")
	setRules(areas,
		rule(staffOf("community")), rule(staffOf("community")),
		rule(writerOf("community")), rule(writerOf("community")), rule(writerOf("community")),
	)
	if err := app.Save(areas); err != nil {
		return fmt.Errorf("areas: %w", err)
	}

	buildings := core.NewBaseCollection("buildings")
	buildings.Fields.Add(
		rel("community", communities, true),
		rel("area", areas, false),
		text("code", true, 20),
		text("name", false, 50),
		integer("floors", true, 1),
	)
	withAutodates(buildings)
	buildings.AddIndex("idx_buildings_community_code", true, "community, code", "")
	buildings.AddIndex("idx_buildings_area", false, "area", "")
	if err := app.Save(buildings); err != nil {
		return fmt.Errorf("buildings: %w", err)
	}

	units := core.NewBaseCollection("units")
	units.Fields.Add(
		rel("community", communities, true),
		rel("building", buildings, true),
		text("number", true, 20),
		&core.NumberField{Name: "floor", Required: true, OnlyInt: true},
		choice("type", true, UnitTypes...),
		&core.NumberField{Name: "area_m2", Required: true},
		choice("status", true, UnitStatuses...),
		date("handed_over_on", false),
		date("renovation_registered_on", false),
		date("moved_in_on", false),
	)
	withAutodates(units)
	units.AddIndex("idx_units_building_number", true, "building, number", "")
	units.AddIndex("idx_units_community_status", false, "community, status", "")
	if err := app.Save(units); err != nil {
		return fmt.Errorf("units: %w", err)
	}

	links := core.NewBaseCollection("unit_residents")
	links.Fields.Add(
		rel("unit", units, true),
		rel("resident", residents, true),
		choice("relation", true, Relations...),
		date("since", false),
		date("until", false),
		// active mirrors "until is empty or still ahead" (Asia/Shanghai);
		// the rules read it because they cannot compare a civil date with @now.
		flag("active"),
	)
	withAutodates(links)
	links.AddIndex("idx_unit_residents_unit", false, "unit, active", "")
	links.AddIndex("idx_unit_residents_resident", false, "resident, active", "")
	setRules(links,
		rule(or(staffOf("unit.community"), and(isResident, `resident = @request.auth.id`))),
		rule(or(staffOf("unit.community"), and(isResident, `resident = @request.auth.id`))),
		rule(writerOf("unit.community")), rule(writerOf("unit.community")), rule(writerOf("unit.community")),
	)
	if err := app.Save(links); err != nil {
		return fmt.Errorf("unit_residents: %w", err)
	}

	// Rules that read back-relations are set once the related collections exist.
	communities.ListRule = rule(or(staffOf("id"), livesIn("units_via_community.unit_residents_via_unit")))
	communities.ViewRule = communities.ListRule
	communities.UpdateRule = rule(writerOf("id"))
	if err := app.Save(communities); err != nil {
		return fmt.Errorf("communities rules: %w", err)
	}

	setRules(buildings,
		rule(or(staffOf("community"), livesIn("units_via_building.unit_residents_via_unit"))),
		rule(or(staffOf("community"), livesIn("units_via_building.unit_residents_via_unit"))),
		rule(writerOf("community")), rule(writerOf("community")), rule(writerOf("community")),
	)
	if err := app.Save(buildings); err != nil {
		return fmt.Errorf("buildings rules: %w", err)
	}

	setRules(units,
		rule(or(staffOf("community"), livesIn("unit_residents_via_unit"))),
		rule(or(staffOf("community"), livesIn("unit_residents_via_unit"))),
		// Writes check the building's community: clients need not send the
		// unit's own community, which the hook fills in from the building.
		rule(writerOf("building.community")), rule(writerOf("community")), rule(writerOf("community")),
	)
	if err := app.Save(units); err != nil {
		return fmt.Errorf("units rules: %w", err)
	}

	// A resident sees their own account; staff see the residents who live
	// in their communities (the hook hides contact details from roles that
	// do not need them).
	residentsRule := or(
		`id = @request.auth.id`,
		and(isStaff, `unit_residents_via_resident.unit.community ?= @request.auth.communities.id`),
	)
	residents.ManageRule = rule(and(registryWriter, `unit_residents_via_resident.unit.community ?= @request.auth.communities.id`))
	setRules(residents,
		rule(residentsRule), rule(residentsRule),
		rule(registryWriter),
		rule(or(`id = @request.auth.id`, *residents.ManageRule)),
		nil,
	)
	if err := app.Save(residents); err != nil {
		return fmt.Errorf("residents rules: %w", err)
	}
	return nil
}
