package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(lostItemsUp, dropper("lost_items"), "0059_lost_items.go")
}

// lostItemsUp creates the lost-and-found register (拾遗物品登记表, [001] 中汇广场
// 十二; docs/DESIGN.md, "Front desk registers"): when and where an item was
// found, what it is, who found it and who wrote it down, a photo; a
// valuable (over 500 yuan, or papers) is kept one year, anything else three
// months (keep_until, set by hooks/desk_lost_items.go); a claimant shows an
// ID and signs; after the period the supervisor disposes of it with a
// record. Staff of the community read it; residents see the held items
// without finder or claimant through GET /api/wuye/found-items.
func lostItemsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	l := core.NewBaseCollection("lost_items")
	l.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		text("description", true, 500), // 拾获物品名称及特征
		timestamp("found_at"),
		text("found_place", true, 200),
		text("finder_name", true, 50),
		text("finder_phone", false, 20),
		&core.FileField{Name: "photo", MaxSelect: 1, MaxSize: 5 << 20, Protected: true, MimeTypes: []string{"image/jpeg", "image/png", "image/webp"}},
		choice("value_class", true, LostValueClasses...),
		date("keep_until", false),
		choice("status", true, LostItemStatuses...),
		rel("recorded_by", staff, false), // 记录人
		flag("due"),                      // the keeping period is over (the daily job)
		text("claimant_name", false, 50),
		text("claimant_id_no", false, 30),
		text("claimant_phone", false, 20),
		&core.FileField{Name: "signature", MaxSelect: 1, MaxSize: 2 << 20, Protected: true, MimeTypes: []string{"image/png", "image/jpeg", "image/webp"}},
		timestamp("claimed_at"),
		rel("handed_by", staff, false),
		text("disposal_note", false, 500),
		timestamp("disposed_at"),
		rel("disposed_by", staff, false),
	)
	l.Fields.GetByName("found_at").(*core.DateField).Required = true
	withAutodates(l)
	l.AddIndex("idx_lost_items_serial", true, "serial", "serial != ''")
	l.AddIndex("idx_lost_items_held", false, "community, status, keep_until", "")
	read := and(staffOf("community"), roleIn(DeskRegisterReaders))
	write := and(staffOf("community"), roleIn(LostItemWriters))
	setRules(l, rule(read), rule(read), rule(write), rule(write), nil)
	if err := app.Save(l); err != nil {
		return fmt.Errorf("lost_items: %w", err)
	}
	return nil
}
