"""ISO 639-2 language codes: three-letter codes to language names and back.

Example Usage
-------------
::

    >>> from Kamaelia.Support.Data.ISO639_2 import code2name, code2names, name2code
    >>> code2name("eng")
    'English'
    >>> code2names("ger")                 # the same for the terminology code "deu"
    ['German', 'allemand']
    >>> name2code("German")
    'ger'
    >>> name2code("allemand")             # French names work too
    'ger'

DVB broadcasts label audio and subtitle streams with these codes, which is
what Kamaelia's DVB components use this module for.

How does it work?
-----------------
The table below is the ISO 639-2 code list (487 entries) in the pipe
separated layout its registration authority, the Library of Congress,
publishes: bibliographic code, terminology code (where it differs), ISO 639-1
code, English names, French names, with alternative names separated by
``;``. It was written from that standard (as carried by the iso-codes
project, release 4.15); it is not Kamaelia 1.14's table, which had
mis-encoded accents and some wrong names.

``mappings`` maps every code, bibliographic (``"ger"``) and terminology
(``"deu"``) alike, to its list of names: the English ones first, then the
French ones. ``reverse_mappings`` maps every name, in lower case, to its
bibliographic code (where two entries share a name, the first in code
order keeps it). The range ``qaa-qtz`` (reserved for local use) is one
entry under that key, as in the standard; ``code2names`` also answers for
each code inside it.

``code2names(code)`` returns a copy of the names list, ``code2name(code)``
the first (English) name and ``name2code(name)`` the bibliographic code.
They accept codes and names in any letter case and codes as ``bytes`` (as
they come out of broadcast data), where 1.14 matched only exact lower-case
``str`` keys; an unknown code or name raises ``KeyError``, as in 1.14.
"""

from __future__ import annotations

__all__ = ["code2names", "code2name", "name2code", "mappings", "reverse_mappings"]

# bibliographic|terminology|639-1|English names|French names
_TABLE = """\
aar||aa|Afar|afar
abk||ab|Abkhazian|abkhaze
ace|||Achinese|aceh
ach|||Acoli|acoli
ada|||Adangme|adangme
ady|||Adyghe; Adygei|adyghé
afa|||Afro-Asiatic languages|afro-asiatiques, langues
afh|||Afrihili|afrihili
afr||af|Afrikaans|afrikaans
ain|||Ainu|aïnou
aka||ak|Akan|akan
akk|||Akkadian|akkadien
ale|||Aleut|aléoute
alg|||Algonquian languages|algonquines, langues
alt|||Southern Altai|altaï méridional
amh||am|Amharic|amharique
ang|||English, Old (ca. 450-1100)|anglo-saxon (environ 450-1100)
anp|||Angika|angika
apa|||Apache languages|apaches, langues
ara||ar|Arabic|arabe
arc|||Official Aramaic (700-300 BCE); Imperial Aramaic (700-300 BCE)|araméen d'empire (700-300 avant J.-C.)
arg||an|Aragonese|aragonais
arn|||Mapudungun; Mapuche|mapudungun ; mapuche ; mapuchedungun
arp|||Arapaho|arapaho
art|||Artificial languages|artificielles, langues
arw|||Arawak|arawak
asm||as|Assamese|assamais
ast|||Asturian; Bable; Leonese; Asturleonese|asturien ; bable ; léonais ; asturo-léonais
ath|||Athapascan languages|athapascanes, langues
aus|||Australian languages|australiennes, langues
ava||av|Avaric|avar
ave||ae|Avestan|avestique
awa|||Awadhi|awadhi
aym||ay|Aymara|aymara
aze||az|Azerbaijani|azéri
bad|||Banda languages|bandas, langues
bai|||Bamileke languages|bamiléké, langues
bak||ba|Bashkir|bachkir
bal|||Baluchi|baloutchi
bam||bm|Bambara|bambara
ban|||Balinese|balinais
bas|||Basa|basa
bat|||Baltic languages|baltes, langues
bej|||Beja; Bedawiyet|bedja
bel||be|Belarusian|biélorusse
bem|||Bemba|bemba
ben||bn|Bengali|bengali
ber|||Berber languages|berbères, langues
bho|||Bhojpuri|bhojpuri
bih||bh|Bihari languages|langues biharis
bik|||Bikol|bikol
bin|||Bini; Edo|bini ; edo
bis||bi|Bislama|bichelamar
bla|||Siksika|siksika
bnt|||Bantu (Other)|bantoue (autre)
tib|bod|bo|Tibetan|tibétain
bos||bs|Bosnian|bosniaque
bra|||Braj|braj
bre||br|Breton|breton
btk|||Batak languages|batak, langues
bua|||Buriat|bouriate
bug|||Buginese|bouguis
bul||bg|Bulgarian|bulgare
byn|||Blin; Bilin|blin ; bilin
cad|||Caddo|caddo
cai|||Central American Indian languages|indiennes d’Amérique centrale, langues
car|||Galibi Carib|carib de Galibi
cat||ca|Catalan; Valencian|catalan
cau|||Caucasian languages|caucasiennes, langues
ceb|||Cebuano|cebuano
cel|||Celtic languages|celtiques, langues
cze|ces|cs|Czech|tchèque
cha||ch|Chamorro|chamorro
chb|||Chibcha|chibcha
che||ce|Chechen|tchétchène
chg|||Chagatai|tchagatay
chk|||Chuukese|chuuk
chm|||Mari|mari
chn|||Chinook jargon|chinook, jargon
cho|||Choctaw|choctaw
chp|||Chipewyan; Dene Suline|chipewyan
chr|||Cherokee|tchérokî
chu||cu|Church Slavic; Old Slavonic; Church Slavonic; Old Bulgarian; Old Church Slavonic|slavon d'église
chv||cv|Chuvash|tchouvache
chy|||Cheyenne|cheyenne
cmc|||Chamic languages|chames, langues
cnr|||Montenegrin|Monténégrin
cop|||Coptic|copte
cor||kw|Cornish|cornique
cos||co|Corsican|corse
cpe|||Creoles and pidgins, English based|créoles et pidgins basés sur l'anglais
cpf|||Creoles and pidgins, French-based|créoles et pidgins basés sur le français
cpp|||Creoles and pidgins, Portuguese-based|créoles et pidgins portugais
cre||cr|Cree|cri
crh|||Crimean Tatar; Crimean Turkish|tatar de Crimée
crp|||Creoles and pidgins|créoles et pidgins
csb|||Kashubian|kachoube
cus|||Cushitic languages|couchitiques, langues
wel|cym|cy|Welsh|gallois
dak|||Dakota|dakota
dan||da|Danish|danois
dar|||Dargwa|dargwa
day|||Land Dayak languages|dayak, langues
del|||Delaware|
den|||Slave (Athapascan)|esclave (athapascan)
ger|deu|de|German|allemand
dgr|||Dogrib|dogrib
din|||Dinka|dinka
div||dv|Divehi; Dhivehi; Maldivian|maldivien
doi|||Dogri|dogri
dra|||Dravidian languages|dravidiennes, langues
dsb|||Lower Sorbian|bas-sorabe
dua|||Duala|douala
dum|||Dutch, Middle (ca. 1050-1350)|néerlandais moyen (environ 1050-1350)
dyu|||Dyula|dioula
dzo||dz|Dzongkha|dzongkha
efi|||Efik|efik
egy|||Egyptian (Ancient)|égyptien ancien
eka|||Ekajuk|ekajuk
gre|ell|el|Greek, Modern (1453-)|grec moderne (après 1453)
elx|||Elamite|élamite
eng||en|English|anglais
enm|||English, Middle (1100-1500)|anglais moyen (1100-1500)
epo||eo|Esperanto|espéranto
est||et|Estonian|estonien
baq|eus|eu|Basque|basque
ewe||ee|Ewe|éwé
ewo|||Ewondo|éwondo
fan|||Fang|fang
fao||fo|Faroese|féroïen
per|fas|fa|Persian|persan
fat|||Fanti|fanti
fij||fj|Fijian|fidjien
fil|||Filipino; Pilipino|filipino ; pilipino
fin||fi|Finnish|finnois
fiu|||Finno-Ugrian languages|finno-ougriennes, langues
fon|||Fon|fon
fre|fra|fr|French|français
frm|||French, Middle (ca. 1400-1600)|français moyen (environ 1400-1600)
fro|||French, Old (842-ca. 1400)|ancien français (842 à environ 1400)
frr|||Northern Frisian|frison septentrional
frs|||Eastern Frisian|frison oriental
fry||fy|Western Frisian|frison occidental
ful||ff|Fulah|peul
fur|||Friulian|frioulan
gaa|||Ga|ga
gay|||Gayo|gayo
gba|||Gbaya|gbaya
gem|||Germanic languages|germaniques, langues
gez|||Geez|guèze
gil|||Gilbertese|gilbertin
gla||gd|Gaelic; Scottish Gaelic|Gaélique ; Gaélique écossais
gle||ga|Irish|irlandais
glg||gl|Galician|galicien
glv||gv|Manx|mannois
gmh|||German, Middle High (ca. 1050-1500)|allemand, moyen haut (environ 1050-1500)
goh|||German, Old High (ca. 750-1050)|allemand, vieux haut (environ 750-1050)
gon|||Gondi|gondi
gor|||Gorontalo|
got|||Gothic|gotique
grb|||Grebo|grebo
grc|||Greek, Ancient (to 1453)|grec ancien (jusqu'à 1453)
grn||gn|Guarani|guarani
gsw|||Swiss German; Alemannic; Alsatian|Suisse allemand ; Alémanique ; Alsacien
guj||gu|Gujarati|goudjarâtî (gujrâtî)
gwi|||Gwich'in|gwich´in
hai|||Haida|haida
hat||ht|Haitian; Haitian Creole|haïtien ; créole haïtien
hau||ha|Hausa|haoussa
haw|||Hawaiian|hawaïen
heb||he|Hebrew|hébreu
her||hz|Herero|herero
hil|||Hiligaynon|hiligaynon
him|||Himachali languages; Western Pahari languages|himachalies, langues ; paharies occidentales, langues
hin||hi|Hindi|hindi
hit|||Hittite|hittite
hmn|||Hmong; Mong|hmong
hmo||ho|Hiri Motu|hiri motu
hrv||hr|Croatian|croate
hsb|||Upper Sorbian|haut-sorabe
hun||hu|Hungarian|hongrois
hup|||Hupa|hupa
arm|hye|hy|Armenian|arménien
iba|||Iban|iban
ibo||ig|Igbo|igbo
ido||io|Ido|ido
iii||ii|Sichuan Yi; Nuosu|yi de Sichuan
ijo|||Ijo languages|ijo, langues
iku||iu|Inuktitut|inuktitut
ile||ie|Interlingue; Occidental|interlingue
ilo|||Iloko|ilocano
ina||ia|Interlingua (International Auxiliary Language Association)|interlingua (association pour une langue auxiliaire internationale)
inc|||Indic languages|indiques, langues
ind||id|Indonesian|indonésien
ine|||Indo-European languages|indo-européennes, langues
inh|||Ingush|ingouche
ipk||ik|Inupiaq|inupiaq
ira|||Iranian languages|iraniennes, langues
iro|||Iroquoian languages|iroquoises, langues
ice|isl|is|Icelandic|islandais
ita||it|Italian|italien
jav||jv|Javanese|javanais
jbo|||Lojban|lojban
jpn||ja|Japanese|japonais
jpr|||Judeo-Persian|judéo-persan
jrb|||Judeo-Arabic|judéo-arabe
kaa|||Kara-Kalpak|karakalpak
kab|||Kabyle|kabyle
kac|||Kachin; Jingpho|kachin ; jingpho
kal||kl|Kalaallisut; Greenlandic|groenlandais
kam|||Kamba|kamba
kan||kn|Kannada|kannara (canara)
kar|||Karen languages|karen, langues
kas||ks|Kashmiri|kashmiri
geo|kat|ka|Georgian|géorgien
kau||kr|Kanuri|kanouri
kaw|||Kawi|kawi
kaz||kk|Kazakh|kazakh
kbd|||Kabardian|kabarde
kha|||Khasi|khasi
khi|||Khoisan languages|khoïsan, langues
khm||km|Central Khmer|khmer central
kho|||Khotanese; Sakan|khotanais ; sakan
kik||ki|Kikuyu; Gikuyu|kikuyu
kin||rw|Kinyarwanda|kinyarwanda
kir||ky|Kirghiz; Kyrgyz|kirghiz
kmb|||Kimbundu|kimbundu
kok|||Konkani|konkani
kom||kv|Komi|komi
kon||kg|Kongo|kongo
kor||ko|Korean|coréen
kos|||Kosraean|kosraéen
kpe|||Kpelle|kpèllé
krc|||Karachay-Balkar|karatchaï balkar
krl|||Karelian|carélien
kro|||Kru languages|krou, langues
kru|||Kurukh|kurukh
kua||kj|Kuanyama; Kwanyama|kuanyama
kum|||Kumyk|koumyk
kur||ku|Kurdish|kurde
kut|||Kutenai|kutenai
lad|||Ladino|ladino
lah|||Lahnda|lahnda
lam|||Lamba|lamba
lao||lo|Lao|laotien
lat||la|Latin|latin
lav||lv|Latvian|letton
lez|||Lezghian|lezghien
lim||li|Limburgan; Limburger; Limburgish|limbourgeois
lin||ln|Lingala|lingala
lit||lt|Lithuanian|lituanien
lol|||Mongo|mongo
loz|||Lozi|lozi
ltz||lb|Luxembourgish; Letzeburgesch|luxembourgeois
lua|||Luba-Lulua|luba-lulua
lub||lu|Luba-Katanga|luba-katanga
lug||lg|Ganda|ganda
lui|||Luiseno|luiseno
lun|||Lunda|lunda
luo|||Luo (Kenya and Tanzania)|luo (Kenya et Tanzanie)
lus|||Lushai|lushai
mad|||Madurese|madurais
mag|||Magahi|magahi
mah||mh|Marshallese|marshallais
mai|||Maithili|maithili
mak|||Makasar|makassar
mal||ml|Malayalam|malayalam
man|||Mandingo|mandingue
map|||Austronesian languages|austronésiennes, langues
mar||mr|Marathi|marathe
mas|||Masai|massaï
mdf|||Moksha|mokcha
mdr|||Mandar|mandar
men|||Mende|mendé
mga|||Irish, Middle (900-1200)|irlandais intermédiaire (900-1200)
mic|||Mi'kmaq; Micmac|mi'kmaq ; micmac
min|||Minangkabau|minangkabau
mis|||Uncoded languages|langues non codées
mac|mkd|mk|Macedonian|macédonien
mkh|||Mon-Khmer languages|môn-khmer, langues
mlg||mg|Malagasy|malgache
mlt||mt|Maltese|maltais
mnc|||Manchu|mandchou
mni|||Manipuri|manipuri
mno|||Manobo languages|manobo, langues
moh|||Mohawk|mohawk
mon||mn|Mongolian|mongol
mos|||Mossi|moré
mao|mri|mi|Maori|maori
may|msa|ms|Malay|malais
mul|||Multiple languages|langues multiples
mun|||Munda languages|mounda, langues
mus|||Creek|creek
mwl|||Mirandese|mirandais
mwr|||Marwari|marwarî
bur|mya|my|Burmese|birman
myn|||Mayan languages|mayas, langues
myv|||Erzya|erzya
nah|||Nahuatl languages|nahuatl, langues
nai|||North American Indian languages|indiennes d’Amérique du Nord, langues
nap|||Neapolitan|napolitain
nau||na|Nauru|
nav||nv|Navajo; Navaho|navaho
nbl||nr|Ndebele, South; South Ndebele|ndébélé du Sud
nde||nd|Ndebele, North; North Ndebele|ndébélé du Nord
ndo||ng|Ndonga|ndonga
nds|||Low German; Low Saxon; German, Low; Saxon, Low|saxon, bas
nep||ne|Nepali|népalais
new|||Nepal Bhasa; Newari|nepâlbhâshâ ; newari
nia|||Nias|nias
nic|||Niger-Kordofanian languages|nigéro-kordofaniennes, langues
niu|||Niuean|niuéen
dut|nld|nl|Dutch; Flemish|néerlandais
nno||nn|Norwegian Nynorsk; Nynorsk, Norwegian|norvégien nynorsk
nob||nb|Bokmål, Norwegian; Norwegian Bokmål|norvégien Bokmål
nog|||Nogai|nogaï
non|||Norse, Old|vieux norrois
nor||no|Norwegian|norvégien
nqo|||N'Ko|n'Ko
nso|||Pedi; Sepedi; Northern Sotho|pedi ; sepedi ; sotho du Nord
nub|||Nubian languages|nubiennes, langues
nwc|||Classical Newari; Old Newari; Classical Nepal Bhasa|newari classique
nya||ny|Chichewa; Chewa; Nyanja|nyanja
nym|||Nyamwezi|nyamwezi
nyn|||Nyankole|nyankole
nyo|||Nyoro|nyoro
nzi|||Nzima|nzema
oci||oc|Occitan (post 1500); Provençal|occitan (après 1500) ; provençal
oji||oj|Ojibwa|ojibwa
ori||or|Oriya|oriya
orm||om|Oromo|oromo
osa|||Osage|osage
oss||os|Ossetian; Ossetic|ossète
ota|||Turkish, Ottoman (1500-1928)|turc ottoman (1500-1928)
oto|||Otomian languages|otomi, langues
paa|||Papuan languages|papoues, langues
pag|||Pangasinan|
pal|||Pahlavi|pahlavi
pam|||Pampanga; Kapampangan|pampangan
pan||pa|Panjabi; Punjabi|pendjabi
pap|||Papiamento|papiamento
pau|||Palauan|palau
peo|||Persian, Old (ca. 600-400 B.C.)|vieux perse (environ 600-400 avant J.-C.)
phi|||Philippine languages|philippines, langues
phn|||Phoenician|phénicien
pli||pi|Pali|pali
pol||pl|Polish|polonais
pon|||Pohnpeian|pohnpei
por||pt|Portuguese|portugais
pra|||Prakrit languages|prâkrits, langues
pro|||Provençal, Old (to 1500)|ancien occitan (jusqu'à 1500)
pus||ps|Pushto; Pashto|pachto
qaa-qtz|||Reserved for local use|réservé pour utilisation locale
que||qu|Quechua|quechua
raj|||Rajasthani|rajasthani
rap|||Rapanui|rapanui
rar|||Rarotongan; Cook Islands Maori|rarotonga ; maori des îles Cook
roa|||Romance languages|romanes, langues
roh||rm|Romansh|romanche
rom|||Romany|romani
rum|ron|ro|Romanian; Moldavian; Moldovan|roumain ; moldave
run||rn|Rundi|rundi
rup|||Aromanian; Arumanian; Macedo-Romanian|aroumain ; macédo-roumain
rus||ru|Russian|russe
sad|||Sandawe|sandawe
sag||sg|Sango|sango
sah|||Yakut|iakoute
sai|||South American Indian (Other)|sud-amérindien (autre)
sal|||Salishan languages|salish, langues
sam|||Samaritan Aramaic|araméen samaritain
san||sa|Sanskrit|sanskrit
sas|||Sasak|sasak
sat|||Santali|santali
scn|||Sicilian|sicilien
sco|||Scots|écossais
sel|||Selkup|selkoupe
sem|||Semitic languages|sémitiques, langues
sga|||Irish, Old (to 900)|vieil irlandais (jusqu'à 900)
sgn|||Sign Languages|langues des signes
shn|||Shan|shan
sid|||Sidamo|sidamo
sin||si|Sinhala; Sinhalese|singhalais
sio|||Siouan languages|sioux, langues
sit|||Sino-Tibetan languages|sino-tibétaines, langues
sla|||Slavic languages|slaves, langues
slo|slk|sk|Slovak|slovaque
slv||sl|Slovenian|slovène
sma|||Southern Sami|same du Sud
sme||se|Northern Sami|same du Nord
smi|||Sami languages|sames, langues
smj|||Lule Sami|same de Lule
smn|||Inari Sami|sami d'Inari
smo||sm|Samoan|samoan
sms|||Skolt Sami|same skolt
sna||sn|Shona|shona
snd||sd|Sindhi|sindhi
snk|||Soninke|soninké
sog|||Sogdian|sogdien
som||so|Somali|somali
son|||Songhai languages|songhai, langues
sot||st|Sotho, Southern|sotho du Sud
spa||es|Spanish; Castilian|castillan
alb|sqi|sq|Albanian|albanais
srd||sc|Sardinian|sarde
srn|||Sranan Tongo|sranan Tongo
srp||sr|Serbian|serbe
srr|||Serer|sérère
ssa|||Nilo-Saharan languages|nilo-sahariennes, langues
ssw||ss|Swati|swati
suk|||Sukuma|sukuma
sun||su|Sundanese|sundanais
sus|||Susu|sosso
sux|||Sumerian|sumérien
swa||sw|Swahili|swahili
swe||sv|Swedish|suédois
syc|||Classical Syriac|syriaque classique
syr|||Syriac|syriaque
tah||ty|Tahitian|tahitien
tai|||Tai languages|tai, langues
tam||ta|Tamil|tamoul
tat||tt|Tatar|tatar
tel||te|Telugu|télougou
tem|||Timne|timné
ter|||Tereno|tereno
tet|||Tetum|tetum
tgk||tg|Tajik|tadjik
tgl||tl|Tagalog|tagalog
tha||th|Thai|thaï
tig|||Tigre|tigre
tir||ti|Tigrinya|tigrigna
tiv|||Tiv|tiv
tkl|||Tokelau|
tlh|||Klingon; tlhIngan-Hol|klingon
tli|||Tlingit|tlingit
tmh|||Tamashek|tamacheq
tog|||Tonga (Nyasa)|tonga (Nyasa)
ton||to|Tonga (Tonga Islands)|tongien (Îles Tonga)
tpi|||Tok Pisin|tok pisin
tsi|||Tsimshian|tsimshian
tsn||tn|Tswana|tswana
tso||ts|Tsonga|tsonga
tuk||tk|Turkmen|turkmène
tum|||Tumbuka|tumbuka
tup|||Tupi languages|tupi, langues
tur||tr|Turkish|turc
tut|||Altaic languages|altaïques, langues
tvl|||Tuvalu|
twi||tw|Twi|twi
tyv|||Tuvinian|touvain
udm|||Udmurt|oudmourte
uga|||Ugaritic|ougaritique
uig||ug|Uighur; Uyghur|ouïgour
ukr||uk|Ukrainian|ukrainien
umb|||Umbundu|umbundu
und|||Undetermined|indéterminé
urd||ur|Urdu|ourdou
uzb||uz|Uzbek|ouszbek
vai|||Vai|vaï
ven||ve|Venda|venda
vie||vi|Vietnamese|vietnamien
vol||vo|Volapük|volapük
vot|||Votic|vote
wak|||Wakashan languages|wakashennes, langues
wal|||Walamo|walamo
war|||Waray|waray
was|||Washo|washo
wen|||Sorbian languages|sorabes, langues
wln||wa|Walloon|wallon
wol||wo|Wolof|wolof
xal|||Kalmyk; Oirat|kalmouk ; oïrat
xho||xh|Xhosa|xhosa
yao|||Yao|yao
yap|||Yapese|yapois
yid||yi|Yiddish|yiddish
yor||yo|Yoruba|yoruba
ypk|||Yupik languages|yupik, langues
zap|||Zapotec|zapotèque
zbl|||Blissymbols; Blissymbolics; Bliss|symboles Bliss
zen|||Zenaga|zenaga
zgh|||Standard Moroccan Tamazight|amazighe standard marocain
zha||za|Zhuang; Chuang|zhuang
chi|zho|zh|Chinese|chinois
znd|||Zande languages|zandé, langues
zul||zu|Zulu|zoulou
zun|||Zuni|zuni
zxx|||No linguistic content; Not applicable|pas de contenu linguistique ; non applicable
zza|||Zaza; Dimili; Dimli; Kirdki; Kirmanjki; Zazaki|dimili
"""


def _build() -> tuple[dict[str, list[str]], dict[str, str]]:
    codes: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for row in _TABLE.splitlines():
        bibliographic, terminology, _alpha2, english, french = row.split("|")
        found = [name.strip() for part in (english, french) if part
                 for name in part.split(";") if name.strip()]
        codes[bibliographic] = found
        if terminology:
            codes[terminology] = list(found)
        for name in found:
            names.setdefault(name.lower(), bibliographic)
    return codes, names


#: code -> [English names..., French names...] for every ISO 639-2 code
mappings: dict[str, list[str]]
#: lower-case name -> bibliographic code
reverse_mappings: dict[str, str]
mappings, reverse_mappings = _build()

_LOCAL_USE = "qaa-qtz"


def _key(code: str | bytes) -> str:
    if isinstance(code, bytes):
        code = code.decode("latin-1")
    if not isinstance(code, str):
        raise TypeError(f"an ISO 639-2 code is a str, not {code!r}")
    key = code.strip().lower()
    if key not in mappings and len(key) == 3 and "qaa" <= key <= "qtz":
        return _LOCAL_USE
    return key


def code2names(code: str | bytes) -> list[str]:
    """code2names(code) -> list of the language's names (English, then French)"""
    try:
        return mappings[_key(code)][:]
    except KeyError:
        raise KeyError(f"not an ISO 639-2 language code: {code!r}") from None


def code2name(code: str | bytes) -> str:
    """code2name(code) -> the language's (first) English name"""
    return code2names(code)[0]


def name2code(name: str) -> str:
    """name2code(name) -> bibliographic ISO 639-2 code of the language with that name"""
    if not isinstance(name, str):
        raise TypeError(f"a language name is a str, not {name!r}")
    try:
        return reverse_mappings[name.strip().lower()]
    except KeyError:
        raise KeyError(f"no ISO 639-2 language is called {name!r}") from None
