package demo

import (
	"time"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/lib/clock"
)

// notices posts the office's board: what a resident sees on the portal's
// home screen, newest first, pinned ones on top.
func (l *loader) notices() {
	if l.err != nil {
		return
	}
	author := l.account("staff", "supervisor@example.com")
	if author == nil {
		return
	}
	community := author.GetStringSlice("communities")[0]
	list := []struct {
		category, title, body string
		pinned                bool
		daysAgo               int
		building              string // aimed at this building only ("" for the community)
	}{
		{"fees", "2026 年第四季度物业费缴费通知", "第四季度（10–12 月）物业费账单已生成，请于 10 月 10 日前通过网上缴费或到物业服务中心缴纳。逾期将按规定收取滞纳金。", true, 40, ""},
		// A water stop reaches the building it is about only ([004] 二 8).
		{"maintenance", "2 栋二次供水水箱清洗停水通知", "11 月 28 日（周六）9:00–15:00 清洗 2 栋二次供水水箱，期间 2 栋暂停供水，请提前储水。给您带来不便，敬请谅解。", false, 2, "2"},
		{"safety", "冬季消防安全提示", "请勿在楼道堆放杂物，电动车不得进楼入户充电；装修施工动火须办理动火证。", false, 6, ""},
		{"event", "业主满意度调查", "本月下旬将开展年度业主满意度调查，欢迎您对客服、维修、保洁、绿化、安保等工作提出宝贵意见。", false, 10, ""},
	}
	for _, n := range list {
		at := clock.Now().Add(-time.Duration(n.daysAgo) * 24 * time.Hour)
		fields := map[string]any{
			"community": community, "category": n.category, "title": n.title, "body": n.body,
			"pinned": n.pinned, "author": author.Id, "published_at": at, "starts_at": at, "audience": "community",
		}
		if n.building != "" {
			b, err := l.app.FindFirstRecordByFilter("buildings", "community = {:c} && code = {:b}", dbx.Params{"c": community, "b": n.building})
			if err != nil {
				l.err = err
				return
			}
			fields["audience"], fields["buildings"] = "buildings", []string{b.Id}
			fields["ends_at"] = at.Add(30 * 24 * time.Hour)
		}
		notice := l.save("notices", fields)
		if n.building != "" && notice != nil {
			// Some of the building's households have opened it; the desk
			// calls the others (the notice's "not yet read" list).
			var readers []string
			_ = l.app.DB().NewQuery(`SELECT l.resident FROM unit_residents l JOIN units u ON u.id = l.unit
				WHERE u.building = {:b} AND l.active = TRUE ORDER BY u.number LIMIT 6`).Bind(dbx.Params{"b": fields["buildings"].([]string)[0]}).Column(&readers)
			for i, r := range readers {
				l.save("notice_reads", map[string]any{"notice": notice.Id, "resident": r, "read_at": at.Add(time.Duration(i+1) * time.Hour)})
			}
		}
	}
	// A power cut the day after tomorrow, marked urgent by the supervisor:
	// announced to building 3 when it starts, with one text message a
	// household (hooks/base_fanout.go); until then its fan-out waits.
	if b3, err := l.app.FindFirstRecordByFilter("buildings", "community = {:c} && code = '3'", dbx.Params{"c": community}); err == nil {
		start := clock.Now().Add(48 * time.Hour)
		urgent := l.save("notices", map[string]any{
			"community": community, "category": "maintenance", "title": "3 栋紧急停电检修",
			"body": "因配电柜故障，后天 9:00–12:00 3 栋停电检修，电梯暂停运行，请提前做好准备。", "author": author.Id,
			"published_at": clock.Now(), "starts_at": start, "ends_at": start.Add(24 * time.Hour),
			"audience": "buildings", "buildings": []string{b3.Id}, "urgent": true,
		})
		if urgent != nil && l.err == nil {
			l.err = hooks.AnnounceNotice(l.app, urgent)
		}
	}
	// The other community's board, to show residents see only their own.
	if other, err := l.app.FindFirstRecordByFilter("communities", "code = {:c}", dbx.Params{"c": "YX"}); err == nil {
		l.save("notices", map[string]any{
			"community": other.Id, "category": "general", "title": "银杏苑门禁系统升级",
			"body": "门禁系统将于本周升级，请业主到物业服务中心登记人脸信息。", "published_at": clock.Now().Add(-3 * time.Hour),
		})
	}
}
