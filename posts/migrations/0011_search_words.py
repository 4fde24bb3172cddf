"""Search words as FTS5 sees them: PostgreSQL's index splits on every non-letter (posts.search).

SQLite's FTS5 table is unchanged (unicode61 already splits on every character that is not a
letter or a digit and drops combining diacritics). On PostgreSQL the GIN index is rebuilt on the
expression posts.search.PG_VECTOR queries: NFC, lower case, the letters FTS5 folds, no combining
diacritics (all skipped for an ASCII body, where they change nothing), and every run of
non-letters (ICU's classes) made one space, so the parser never reads a link, a host, an
address, a path, "3.14" or "<...>" as one lexeme or a tag. A copy of the letters lives here, as
a migration must not change when the code does. Reversed, the index of posts 0010 comes back.
"""

from django.db import migrations

INDEX = "post_body_search_idx"
FOLD_FROM = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ"
    "ćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő"
    "ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚ"
    "ǛǜǞǟǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰ"
    "ȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸ"
    "ḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴ"
    "ṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵ"
    "ẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰự"
    "ỲỳỴỵỶỷỸỹ"
)
FOLD_TO = (
    "aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaac"
    "cccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooo"
    "rrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzsoouuaaiioouuuuuuuu"
    "uuaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooo"
    "oyyaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkklll"
    "lllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuu"
    "uuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwysaaaaaaaaaaaaaaaaaaaaaa"
    "aaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuu"
    "yyyyyyyy"
)
BODY = "COALESCE(body, '')"
WORDS = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    f"CASE WHEN octet_length({BODY}) = char_length({BODY}) THEN {BODY} "
    f"ELSE regexp_replace(translate(lower(normalize({BODY}, NFC)), "
    f"'{FOLD_FROM}', '{FOLD_TO}'), '[\\u0300-\\u036f]+', '', 'g') END "
    "COLLATE \"und-x-icu\", '[^[:alnum:]]+', ' ', 'g'))"
)
FOLDED = (
    f"to_tsvector('simple'::regconfig, translate(COALESCE(body, ''), '{FOLD_FROM}', '{FOLD_TO}'))"
)


def _index(schema_editor, expression: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"CREATE INDEX {INDEX} ON posts_post USING GIN ({expression})")


def forwards(apps, schema_editor):
    _index(schema_editor, WORDS)


def backwards(apps, schema_editor):
    _index(schema_editor, FOLDED)


class Migration(migrations.Migration):
    dependencies = [("posts", "0010_search_prefix_stem")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
