package topic

import (
	"slices"
	"testing"
)

// A hot complaint (热点投诉, [001] 中汇广场 七) is the same matter raised by
// several residents (office practice): the category and building alone are
// not enough — the issue's own case, a noise complaint grouped with a
// garage-lighting one.
func TestMatchNeedsTheSameMatter(t *testing.T) {
	noise := Complaint{Category: "security", Unit: "u1", Content: "楼上深夜装修噪音扰民，无法休息。"}
	garage := Complaint{Category: "security", Unit: "u2", Content: "地下车库照明坏了一半，晚上很不安全。"}
	garage2 := Complaint{Category: "security", Unit: "u3", Content: "车库照明灯不亮，停车看不见。"}
	if r, ok := Match(noise, garage); ok {
		t.Fatalf("noise and garage lighting grouped: %+v", r)
	}
	r, ok := Match(garage, garage2)
	if !ok {
		t.Fatal("two garage-lighting complaints not grouped")
	}
	if !slices.Contains(r.Keywords, "车库照明") || r.Category != "security" {
		t.Fatalf("reason %+v, want the shared words 车库照明", r)
	}
}

func TestMatchCategoryFirst(t *testing.T) {
	a := Complaint{Category: "cleaning", Content: "2栋电梯里很脏，地上有污渍。"}
	b := Complaint{Category: "engineering", Content: "2栋电梯里很脏，地上有污渍。"}
	if _, ok := Match(a, b); ok {
		t.Fatal("different categories grouped")
	}
}

// The demo's cluster: three complaints about the lift of building 2.
func TestMatchSharedWords(t *testing.T) {
	list := []Complaint{
		{Category: "cleaning", Content: "2栋电梯轿厢有宠物粪便未清理。"},
		{Category: "cleaning", Content: "2栋电梯里很脏，地上有污渍。"},
		{Category: "cleaning", Content: "2栋电梯卫生太差，要求每天消毒。"},
	}
	for i := range list {
		for j := range list {
			if i == j {
				continue
			}
			r, ok := Match(list[i], list[j])
			if !ok || !slices.Contains(r.Keywords, "栋电梯") {
				t.Fatalf("%d~%d: %v %+v", i, j, ok, r)
			}
		}
	}
}

func TestMatchSamePlace(t *testing.T) {
	a := Complaint{Category: "engineering", Location: "3 栋 电梯", Content: "困人"}
	b := Complaint{Category: "engineering", Location: "3栋电梯", Content: "按钮失灵"}
	if r, ok := Match(a, b); !ok || !r.SameLocation {
		t.Fatalf("the same place not grouped: %v %+v", ok, r)
	}
}

// Words every complaint uses make no matter in common.
func TestStopWords(t *testing.T) {
	a := Complaint{Category: "other", Content: "投诉物业处理问题不及时，希望尽快解决。"}
	b := Complaint{Category: "other", Content: "反映物业问题，希望尽快处理解决。"}
	if r, ok := Match(a, b); ok {
		t.Fatalf("grouped on empty words: %+v", r)
	}
}

func TestTerms(t *testing.T) {
	got := terms("B1车库 LED灯")
	if !slices.Contains(got, "车库") || !slices.Contains(got, "led") || slices.Contains(got, "b") {
		t.Fatalf("terms %q", got)
	}
}

// Match is symmetric in its verdict and never panics, whatever the text.
func FuzzMatch(f *testing.F) {
	f.Add("security", "地下车库照明坏了一半", "", "车库照明灯不亮", "")
	f.Add("cleaning", "2栋电梯里很脏", "2栋电梯", "电梯卫生太差", "2 栋电梯")
	f.Add("x", "\xff\xfe", "", "a", "")
	f.Fuzz(func(t *testing.T, cat, ca, la, cb, lb string) {
		a := Complaint{Category: cat, Content: ca, Location: la}
		b := Complaint{Category: cat, Content: cb, Location: lb}
		r1, ok1 := Match(a, b)
		_, ok2 := Match(b, a)
		if ok1 != ok2 {
			t.Fatalf("asymmetric: %q %q", ca, cb)
		}
		if _, self := Match(a, a); cat != "" && len(Keywords(a)) >= MinShared && !self {
			t.Fatalf("a complaint does not match itself: %q", ca)
		}
		for _, k := range r1.Keywords {
			if k == "" {
				t.Fatal("empty keyword")
			}
		}
	})
}
