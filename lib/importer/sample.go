package importer

import "fmt"

// Sample is a small estate filled into the templates (海棠苑: buildings A1
// and A2, five floors of four flats each, 40 units, 30 residents, 10
// parking spaces, some opening arrears and a month's water readings): what
// an office's first import looks like, for the demo and for trying the
// import before loading its own registry. The rows are those of kind's
// template, in its columns' order.
func Sample(kind string) [][]string {
	type unit struct {
		b, n   string
		floor  int
		status string
	}
	var units []unit
	for _, b := range []string{"A1", "A2"} {
		for floor := 1; floor <= 5; floor++ {
			for n := 1; n <= 4; n++ {
				status := "已入住"
				switch {
				case floor == 5 && n <= 2:
					status = "空置"
				case floor == 5:
					status = "已收房"
				}
				units = append(units, unit{b, fmt.Sprintf("%d%02d", floor, n), floor, status})
			}
		}
	}
	surnames := []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫"}
	given := []string{"晨曦", "云帆", "若溪", "景行", "思远"}
	var rows [][]string
	switch kind {
	case "buildings":
		rows = [][]string{{"A1", "海棠苑A1栋", "5", ""}, {"A2", "海棠苑A2栋", "5", ""}}
	case "units":
		for i, u := range units {
			area := []string{"89.5", "76.3", "76.3", "118.2"}[i%4]
			row := []string{u.b, u.n, fmt.Sprint(u.floor), "住宅", area, u.status, "", "", ""}
			if u.status != "空置" {
				row[6] = "2024-06-01"
			}
			if u.status == "已入住" {
				row[8] = fmt.Sprintf("2024-%02d-15", 7+i%6)
			}
			rows = append(rows, row)
		}
	case "residents":
		for i := 0; i < 30; i++ {
			u := units[i%32]
			relation := "业主"
			switch i % 10 {
			case 7:
				relation = "租户"
			case 9:
				relation = "家属"
			}
			rows = append(rows, []string{surnames[i%6] + given[i/6], fmt.Sprintf("135550000%02d", i+1), u.b, u.n, relation, "2024-07-15"})
		}
	case "parking":
		for i := 1; i <= 10; i++ {
			row := []string{fmt.Sprintf("HT-%03d", i), "A1", "未分配", "", "", "", "", "", ""}
			u := units[i-1]
			switch {
			case i <= 4:
				row[2], row[3], row[4] = "产权", u.b, u.n
			case i <= 7:
				row[2], row[3], row[4], row[6], row[7] = "月租", u.b, u.n, "2027-06-30", "300"
				row[5] = fmt.Sprintf("渝A%05d", 81230+i)
			}
			rows = append(rows, row)
		}
	case "opening_arrears":
		for i := 0; i < 8; i++ {
			u := units[i*3]
			rows = append(rows, []string{u.b, u.n, "WY", "2026-10", []string{"210.33", "179.31", "179.31", "277.77"}[(i*3)%4]})
		}
	case "meter_readings":
		for i, u := range units {
			rows = append(rows, []string{u.b, u.n, "水表", "2026-11-30", fmt.Sprintf("%d.%d", 100+i*7, i%10)})
		}
	default:
		return nil
	}
	return rows
}
