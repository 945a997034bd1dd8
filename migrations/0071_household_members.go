package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(householdMembersUp, dropper("household_files", "household_members"), "0071_household_members.go")
}

// The household file (业主档案, docs/DESIGN.md § Household files): the front
// desk keeps it ([000] 前台 3.6), the customer-service department builds and
// files it per project ([004] 二 2), with the copies of the household's ID
// papers taken at move-in ([004] 四 2 4.3.3: 证件复印件 … 存入住户档案), and
// confidential papers behind reading rights ([004] 三 2.6: 设置借阅权限).
var (
	// MemberRelations: a member's relation to the household (the owner or
	// the tenant who heads it).
	MemberRelations = []string{"owner", "spouse", "child", "parent", "sibling", "relative", "tenant", "other"}
	// IDTypes: 居民身份证, 护照, 港澳居民来往内地通行证, 台湾居民来往大陆通行证,
	// 外国人永久居留身份证, other.
	IDTypes = []string{"resident_id", "passport", "hk_macao", "taiwan", "foreign_permanent", "other"}
	// TransferReasons: why a unit changed owners (过户): 买卖, 继承, 赠与,
	// 离婚析产, 法院判决, other.
	TransferReasons = []string{"sale", "inheritance", "gift", "divorce", "court", "other"}
	// HouseholdKeepers keep the file: the desk ([000] 前台 3.6) and the
	// supervisors and the director.
	HouseholdKeepers = []string{"front_desk", "supervisor", "director"}
	// HouseholdReaders read it: the keepers and the area managers, who help
	// keep it and visit the households ([000] 管理员 3.4).
	HouseholdReaders = []string{"front_desk", "area_manager", "supervisor", "director"}
	// VehicleReaders: the readers, and security, who checks cars at the gate.
	VehicleReaders = []string{"front_desk", "area_manager", "security", "supervisor", "director"}
)

// householdRead: the readers (roles) of the unit's community, and the
// residents who currently live in the unit. (The area managers read the
// whole community's files, as they read its units and links: the events of
// a file are read by role, docs/DESIGN.md § Operations.)
func householdRead(roles []string) string {
	return or(
		and(staffOf("unit.community"), roleIn(roles)),
		livesIn("unit.unit_residents_via_unit"))
}

// householdWrite: the keepers of the unit's community, and an owner who
// currently lives in the unit (one link row: resident, active and relation
// are the same join).
func householdWrite() string {
	return or(
		and(staffOf("unit.community"), roleIn(HouseholdKeepers)),
		and(isResident, `unit.unit_residents_via_unit.resident ?= @request.auth.id`,
			`unit.unit_residents_via_unit.active ?= true`, `unit.unit_residents_via_unit.relation ?= "owner"`))
}

// householdMembersUp adds household_members (a member with an account is a
// resident linked to the unit; one without — a child, an elderly parent — a
// name with a relation) with the ID papers, and household_files, one per
// unit: the emergency contact and the tenancy terms.
func householdMembersUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	units, _ := app.FindCollectionByNameOrId("units")
	links, _ := app.FindCollectionByNameOrId("unit_residents")
	_, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("household_members")
	c.Fields.Add(
		rel("community", communities, false), // the unit's, set by the server
		rel("unit", units, true),
		rel("resident", residents, false), // the member's account, if any
		text("name", false, 50),           // required without an account (the server checks)
		choice("relation", true, MemberRelations...),
		&core.NumberField{Name: "birth_year", OnlyInt: true, Min: floatPtr(1900), Max: floatPtr(2100)},
		&core.TextField{Name: "phone", Pattern: PhonePattern, Max: 20},
		choice("id_type", false, IDTypes...),
		text("id_no", false, 30), // masked for all but the supervisor and the director (hooks/base_masks.go)
		&core.FileField{Name: "id_scans", MaxSelect: 4, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}},
		date("left_on", false), // moved out of the household (a transfer sets it)
		flag("active"),         // kept by the server from left_on
		text("note", false, 200),
	)
	withAutodates(c)
	c.AddIndex("idx_household_members_unit", false, "unit, active", "")
	c.AddIndex("idx_household_members_resident", false, "resident", "resident != ''")
	rw := householdWrite()
	read := householdRead(HouseholdReaders)
	setRules(c, rule(read), rule(read), rule(rw), rule(rw), rule(rw))
	if err := app.Save(c); err != nil {
		return fmt.Errorf("household_members: %w", err)
	}

	f := core.NewBaseCollection("household_files")
	f.Fields.Add(
		rel("community", communities, false), // the unit's, set by the server
		rel("unit", units, true),
		text("emergency_name", false, 50),
		&core.TextField{Name: "emergency_phone", Pattern: PhonePattern, Max: 20},
		text("emergency_relation", false, 20),
		// The tenancy terms (kept here, not on the link: the tenant's
		// unit_residents link is named, its own since/until stay the
		// registry's).
		rel("tenant_link", links, false),
		date("lease_start", false),
		date("lease_end", false),
		&core.NumberField{Name: "rent_fen", OnlyInt: true, Min: floatPtr(0), Max: floatPtr(100_000_000)},
		text("lease_note", false, 200),
		text("note", false, 500),
	)
	withAutodates(f)
	f.AddIndex("idx_household_files_unit", true, "unit", "")
	// A file is never deleted: its fields are emptied instead.
	setRules(f, rule(read), rule(read), rule(rw), rule(rw), nil)
	if err := app.Save(f); err != nil {
		return fmt.Errorf("household_files: %w", err)
	}
	return nil
}
