package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"

	"wuye/lib/clock"
)

// surveys puts the year's owner satisfaction survey to the households
// ([002] 三 3.4; [000] 管理员 4.6.2), open, with some households' answers,
// and a draft consultation; activities announces the community's
// activities ([000] 管理员 4.10): a forum held this quarter, with who came,
// and a New Year party residents are signing up for.
func (l *loader) surveys() {
	if l.err != nil {
		return
	}
	author := l.account("staff", "supervisor@example.com")
	if author == nil {
		return
	}
	community := author.GetStringSlice("communities")[0]
	opened := clock.Now().Add(-5 * 24 * time.Hour)
	sat := l.save("surveys", map[string]any{
		"community": community, "title": "2026 年度业主满意度调查", "kind": "satisfaction", "audience": "community", "status": "open",
		"intro":      "感谢您一年来对物业服务中心工作的支持。请对以下各项服务打分（1 分很不满意，5 分非常满意）。",
		"created_by": author.Id, "opened_at": opened,
		"questions": `[{"id":"service","type":"rating","title":"客服接待","required":true},
			{"id":"repair","type":"rating","title":"维修服务","required":true},
			{"id":"cleaning","type":"rating","title":"保洁绿化","required":true},
			{"id":"security","type":"rating","title":"秩序维护（安保）","required":true},
			{"id":"best","type":"single","title":"您最满意的一项服务","options":["客服","维修","保洁绿化","安保"]},
			{"id":"improve","type":"multiple","title":"希望明年改进的方面","options":["停车管理","电梯维保","公共设施","社区活动"]},
			{"id":"words","type":"text","title":"其他意见和建议"}]`,
	})
	l.save("surveys", map[string]any{
		"community": community, "title": "地面停车位改造征询意见", "kind": "general", "audience": "community", "status": "draft",
		"created_by": author.Id,
		"questions":  `[{"id":"agree","type":"single","title":"您是否同意将部分绿地改造为停车位？","options":["同意","不同意","无所谓"],"required":true}]`,
	})
	if sat == nil {
		return
	}
	var rows []struct {
		Resident string `db:"resident"`
		Unit     string `db:"unit"`
	}
	err := l.app.DB().NewQuery(`SELECT MIN(l.resident) AS resident, l.unit FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE l.active = TRUE AND u.community = {:c} AND u.type = 'residential' AND u.number NOT IN ('101', '102')
		GROUP BY l.unit ORDER BY u.building, u.number LIMIT 12`).Bind(dbx.Params{"c": community}).All(&rows)
	if err != nil {
		l.err = err
		return
	}
	bests := []string{"客服", "维修", "保洁绿化", "安保"}
	for i, r := range rows {
		low := 4 + i%2
		if i%5 == 4 {
			low = 3
		}
		l.save("survey_responses", map[string]any{
			"survey": sat.Id, "unit": r.Unit, "resident": r.Resident,
			"answers": fmt.Sprintf(`{"service":5,"repair":%d,"cleaning":%d,"security":5,"best":%q,"improve":["停车管理"]%s}`,
				low, 4+(i+1)%2, bests[i%len(bests)], map[bool]string{true: `,"words":"希望增加夜间巡逻"`, false: ""}[i%4 == 0]),
		})
	}

	forum := l.save("activities", map[string]any{
		"community": community, "title": "第四季度业主恳谈会", "kind": "forum", "place": "物业服务中心会议室",
		"description": "与业主代表面对面交流物业服务、停车与绿化问题。", "starts_at": clock.Now().Add(-3 * 24 * time.Hour),
		"capacity": 20, "created_by": author.Id,
	})
	party := l.save("activities", map[string]any{
		"community": community, "title": "2027 元旦联欢会", "kind": "culture", "place": "小区中心广场",
		"description": "文艺表演、猜灯谜、亲子游戏，欢迎业主和家人报名参加。", "starts_at": clock.Now().Add(20 * 24 * time.Hour),
		"capacity": 30, "created_by": author.Id,
	})
	if forum == nil || party == nil {
		return
	}
	desk := l.account("staff", "frontdesk@example.com")
	for i, r := range rows {
		if i < 6 {
			l.save("activity_signups", map[string]any{"activity": forum.Id, "resident": r.Resident, "unit": r.Unit,
				"attended": i != 2, "marked_by": desk.Id})
		}
		if i >= 4 && i < 9 {
			l.save("activity_signups", map[string]any{"activity": party.Id, "resident": r.Resident, "unit": r.Unit})
		}
	}
}
