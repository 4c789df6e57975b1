/* theme.c — the kiosk's colours: the normal and the high-contrast theme. */
#include "layout.h"

static const ui_theme normal = {
    .bg = 0xF2F4F7,
    .text = 0x1B1F24,
    .muted = 0x475261,
    .header_bg = 0x0B3A6E,
    .header_fg = 0xFFFFFF,
    .primary_bg = 0x0B3A6E,
    .primary_fg = 0xFFFFFF,
    .secondary_bg = 0xFFFFFF,
    .secondary_fg = 0x0B3A6E,
    .border = 0x0B3A6E,
    .selected_bg = 0xFFD34E,
    .selected_fg = 0x1B1F24,
    .danger_bg = 0xB3122B,
    .danger_fg = 0xFFFFFF,
    .panel_bg = 0xFFFFFF,
    .key_bg = 0xFFFFFF,
    .key_fg = 0x1B1F24,
    .key_border = 0x5B6675,
    .error_fg = 0xA4001D,
    .focus = 0xE07B00,
    .notice_bg = 0xFFF4CC,
    .notice_fg = 0x1B1F24,
    /* Near-black outside (light page), yellow inside (dark tiles). */
    .focus_outer = 0x1B1F24,
    .focus_inner = 0xFFD34E,
};

static const ui_theme contrast = {
    .bg = 0x000000,
    .text = 0xFFFFFF,
    .muted = 0xE6E6E6,
    .header_bg = 0x000000,
    .header_fg = 0xFFFFFF,
    .primary_bg = 0xFFE600,
    .primary_fg = 0x000000,
    .secondary_bg = 0x000000,
    .secondary_fg = 0xFFE600,
    .border = 0xFFE600,
    .selected_bg = 0xFFFFFF,
    .selected_fg = 0x000000,
    .danger_bg = 0xFFFFFF,
    .danger_fg = 0xA4001D,
    .panel_bg = 0x000000,
    .key_bg = 0x000000,
    .key_fg = 0xFFFFFF,
    .key_border = 0xFFFFFF,
    .error_fg = 0xFF9C9C,
    .focus = 0x00E5FF,
    .notice_bg = 0x000000,
    .notice_fg = 0xFFE600,
    /* Cyan outside (black page), black inside (yellow and white buttons). */
    .focus_outer = 0x00E5FF,
    .focus_inner = 0x000000,
};

const ui_theme *layout_theme(int high_contrast)
{
    return high_contrast ? &contrast : &normal;
}
