#pragma once
// The demo subject: one object the toy world's words cannot describe, for the demo's
// personalization. It is an emblem: a disc split along its diagonal, teal at the upper
// left and magenta at the lower right, with three small magenta dots in a row on the teal
// half and one larger teal dot on the magenta half. No colour name, shape or position of
// the grammar says "teal/magenta split disc with dots"; only the subject token does.
//
// Like a user's 3-20 photos of their product, the subject comes as kSubjectPhotoCount
// "photos": the emblem at different places, scales and turns, on plain or gradient
// backgrounds that are not the toy world's named colours, with a little brightness
// change and sensor grain.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/demo/toy_palette.h"

namespace steer::demo {

inline constexpr std::string_view kSubjectToken = "sks";
inline constexpr std::string_view kSubjectClassNoun = "emblem";
inline constexpr std::string_view kSubjectName = "sks emblem";
// The caption of every subject photo (the instance prompt of DreamBooth-style training).
inline constexpr std::string_view kSubjectInstanceCaption = "a photo of sks emblem";

inline constexpr Rgb kEmblemTeal = {0, 140, 140};
inline constexpr Rgb kEmblemMagenta = {225, 30, 150};

// The emblem's colour at (u, v) of its unit frame (centre at the origin, y down, disc
// radius 1), or nothing outside the disc.
std::optional<Rgb> emblem_colour_at(double u, double v);
// Whether (u, v) lies on one of the dots: the fine part of the pattern, which the subject
// scorer weighs on its own so that a plain split disc is not mistaken for the emblem.
bool emblem_dot_at(double u, double v);

inline constexpr int kSubjectPhotoCount = 5;

struct SubjectPhoto {
  ImageRGBA8 image;
  std::string caption;  // kSubjectInstanceCaption
};

// Photo `index` (0 .. kSubjectPhotoCount-1) at size x size pixels; deterministic.
SubjectPhoto render_subject_photo(int index, int size = 64);
std::vector<SubjectPhoto> render_subject_photos(int size = 64);

}  // namespace steer::demo
