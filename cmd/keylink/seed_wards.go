package main

import (
	"hash/fnv"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

// zoneWards places the demo's industrial zones, clusters and craft villages
// (keyed "district|zone" where a zone spans two former districts, else by
// zone) and the real buyers' plants (by name) in the ward or commune that
// holds them since 1 July 2025.
var zoneWards = map[string]string{
	"KCN Thăng Long":                                 "Xã Thiên Lộc",
	"KCN Bắc Thăng Long":                             "Xã Thiên Lộc",
	"CCN Nguyên Khê":                                 "Xã Đông Anh",
	"Làng nghề Vân Hà":                               "Xã Thư Lâm",
	"KCN Nội Bài":                                    "Xã Nội Bài",
	"KCN Quang Minh":                                 "Xã Quang Minh",
	"KCN Thạch Thất - Quốc Oai":                      "Xã Tây Phương",
	"Quốc Oai|KCN Thạch Thất - Quốc Oai":             "Xã Phú Cát", // the park\'s part in former Quốc Oai
	"CCN Phùng Xá":                                   "Xã Tây Phương",
	"Khu CNC Hòa Lạc":                                "Xã Hòa Lạc",
	"KCN Sài Đồng B":                                 "Phường Long Biên",
	"KCN Hà Nội - Đài Tư":                            "Phường Việt Hưng",
	"KCN Nam Thăng Long":                             "Phường Đông Ngạc",
	"KCN Phú Nghĩa":                                  "Xã Phú Nghĩa",
	"Làng nghề Phú Vinh":                             "Xã Phú Nghĩa",
	"CCN Ngọc Hồi":                                   "Xã Ngọc Hồi",
	"CCN Hà Bình Phương":                             "Xã Thường Tín",
	"CCN Yên Nghĩa":                                  "Phường Yên Nghĩa",
	"CCN Phùng":                                      "Xã Đan Phượng",
	"Làng gốm Bát Tràng":                             "Xã Bát Tràng",
	"Làng lụa Vạn Phúc":                              "Phường Hà Đông",
	"Làng nghề Chuyên Mỹ":                            "Xã Chuyên Mỹ",
	"Làng thêu Quất Động":                            "Xã Thượng Phúc",
	"Canon Vietnam Co., Ltd.":                        "Xã Thiên Lộc", // Thăng Long industrial park
	"Panasonic Vietnam Co., Ltd.":                    "Xã Thiên Lộc",
	"TOTO Vietnam Co., Ltd.":                         "Xã Thiên Lộc",
	"Denso Manufacturing Vietnam Co., Ltd.":          "Xã Thiên Lộc",
	"Yamaha Motor Vietnam Co., Ltd.":                 "Xã Trung Giã",
	"AEON Vietnam Co., Ltd.":                         "Phường Long Biên",
	"Hongtai Precision Industry (Vietnam) Co., Ltd.": "Xã Quang Minh", // Quang Minh industrial park
	"Meiko Electronics Vietnam Co., Ltd.":            "Xã Tây Phương", // Thạch Thất - Quốc Oai industrial park
}

// wardsByDistrict lists each former district's wards and communes, keyed
// by the folded district name.
var wardsByDistrict = func() map[string][]string {
	m := map[string][]string{}
	for _, w := range domain.HanoiWards() {
		k := matching.Fold(w.FormerDistrict)
		m[k] = append(m[k], w.FullName())
	}
	return m
}()

// seedWard is a demo firm's current ward: the one holding its zone (or, for
// a real buyer, its plant), else one of its former district's, drawn from a
// hash of its name so that the plan's random stream is not disturbed. A firm
// without a district has no ward.
func seedWard(name, district, zone string) string {
	for _, k := range []string{district + "|" + zone, zone, name} {
		if w, ok := zoneWards[k]; ok && k != "" {
			return w
		}
	}
	ws := wardsByDistrict[matching.Fold(district)]
	if len(ws) == 0 {
		return ""
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return ws[h.Sum32()%uint32(len(ws))]
}
