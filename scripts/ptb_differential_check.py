"""Differential check of `mplug-eval tokenize` against the real reference tokenizer.

Needs `pip install pycocoevalcap==1.2` and Java (the package ships stanford-corenlp-3.4.1.jar).
Generates random captions (tricky words, punctuation, clitics, URLs, Unicode, glued fragments),
tokenizes them as one batch with pycocoevalcap's PTBTokenizer and with our CLI, and prints the
differences. Characters that make the Java side shift lines (\r, form feed, U+0085, U+2028 ...)
are left out: there we deliberately differ.

Usage: python3 scripts/ptb_differential_check.py SEED COUNT [dense|mixed] [path/to/mplug-eval]
"""
import json, random, subprocess, sys, tempfile
from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

seed = int(sys.argv[1]); n = int(sys.argv[2]); mode = sys.argv[3] if len(sys.argv) > 3 else "mixed"
binary = sys.argv[4] if len(sys.argv) > 4 else ".build/debug/mplug-eval"
rng = random.Random(seed)
words = ["a","A","the","The","dog","cat","man","woman","sitting","on","table","An","He","It","This","There","After","You","We",
 "St.","Mr.","Mrs.","Dr.","U.S.","Inc.","etc.","a.m.","p.m.","vs.","Co.","Ltd.","Calif.","Jan.","No.","fig.","ca.","Ph.D.","e.g.","i.e.","Ave.","Mt.",
 "don't","it's","can't","won't","I'm","you're","we've","they'll","he'd","y'all","rock'n'roll","o'clock","'90s","'em","'til","'cause","ma'am",
 "O'Neil","D'Angelo","cannot","gonna","wanna","'twas","'tis","ain't","Don’t","it’s","n't","'s","'",
 ".",",","!","?","...","--","-",";",":","(",")","[","]","{","}","\"","'","`","’","‘","“","”","«","»","‚","„",
 "3","3.5","1,000","12/25/2020","3/4","1 1/2","(555) 123-4567","555-1234","10:30","-5","+3","2nd","1990s","50%","$5","#1","4x4",
 "www.google.com","http://x.org/a","https://a.b/c?d=e.","a@b.com","google.com","me@home.net",
 "&","&amp;","&lt;","&quot;","%","$","#","@","@home","#tag","+","=","<",">","<b>","</b>","<a href='x'>","*","**","/","\\","|","~","^","_","__",
 "black-and-white","x-ray","T-shirt","and/or","AT&T","S&P","c++","C#","file.jpg","pic.png.","P.S.","R&B","W.",
 "café","naïve","Ω","ΟΔΟΣ","日本","über","Straße","İstanbul","ﬁne",
 "😀","🏖️","✨","\u00a0","\t","\u00ad","e\u0301","½","€","£","¢","¥","°","²","×","—","–","…","•","·","™","©","®","§","¶",
 ":)",":-(",";)","=D","^_^","(^_^)",":o)","<3","x_x","S.","N.","B.","t.","I.","s.","J.","Q.",
 "\u200b","\ufeff","\x7f","\x00","&nbsp;","&mdash;","&eacute;","caf&eacute;","-LRB-","-rrb-","pro-","anti-","C.D.s","Cap'n","c'est",
 "'90","'05","nor'easter","c'mon","li'l","cont'd","Dunkin'","somethin'","ol'","O'o","l'","d'","j'",
 "co. ltd","Pty. Ltd","ca. 1990","fig. 3","no.5","Jr.","Sr.","Bros.","Blvd.","Rd.","Ill.","Miss.","Pa.","La.","Ore.","Wash.","Tex.","Del.",
 "p.","P.","a.k.a.","cf.","Mfg.","Dept.","Gen.","Gov.","Sen.","Rep.","Capt.","Lt.","Col.","Sgt.","Ste.","Msgr.",
]
letters = "aAbBcCdDeEnNoOsStTyY.'’-/&@#:;,!?()<>\"` 0123456789\u00a0"
frags = ["'tİs","'tıs","'tiſ","ſt.","İnc.","ınc.","K","\u212a","ſ","ı","İ","gımme","ſ&p-500","'90ſ","httpſ://a.b","Kan.","ſino-U.S","İll.","Miſs.","fig.İ","nor'eaſter","&nbſp;","&amp;","x.jpg","x.ſql","co. lım","'tıl","cont'd","caſe","http://","https://","www.",".com",".org",".net",".edu",".jpg",".c",".x","&amp;","&apos;","&quot;","&lt;","&gt;","&nbsp;","&eacute;","&#12;","&HT;",
 "<a b='c'>","<a b=\"c d\" e>","<!x y>","</z>","<br/>","'s","'re","'ll","'d","'m","n't","n’t","n`t","'n'","-","--","---","----","-----","/","\\/","\\*","...","....",". . .",
 ".",",",":",";","'","\"","`","''","``","(",")","[","]","{","}","@","#","$","US$","%","+","++","=","<",">","<<",">>","*","_","-RRB-","pro-","S&P-500","S&Ls","AT&T","R&D",
 "1","12","123","1234","12345","3.14","1,000,000","10:30","1/2","3\\/4","12-25-2020","1/2/03","(555)","555-1234","+1 650 723 4567","650.723.1234","2⁄3",
 "A.","B.","U.S.","U.K.","e.g.","a.b.c","Mr.","St.","Inc.","etc.","Calif.","No.","fig.","Co."," The"," A"," He"," It"," the","\n","\nThe","\nA ","y'","Y'","o'","d'","l'","O'","D'",
 "x","X","o","O","n","N","t","s","S","a","I","ä","é","Ω","σ","Σ","ı","İ","ß","ﬁ","½","¼","⅓","€","¢","£","¥","²","³","₂","⁺","°","×","—","–","‐","‑","…","«","»","‹","›","‚","„","‟","“","”","‘","’","‛","\x91","\x92","\x93","\x94","\x96","\x97","\x80","\xad","\u0301","\u200b","\ufeff","\x7f","\x00","\t","\u00a0","\u3000","\u2003","。","、","؟","¡","¿",":)",":-)",";(","=D",":o)","^_^","(^_^)","(^-^)","x_x","<3",":P",":-D","c++","C#","f#","cannot","gonna","'twas","'tis","Cap'n","c'est","ma'am","'90s","'90","'em","'til","'till","'cause","cont'd.","nor'easter"]
def piece():
    if mode == "dense" and rng.random() < 0.85: return rng.choice(frags)
    r = rng.random()
    if r < 0.75: return rng.choice(words)
    if r < 0.9: return "".join(rng.choice(letters) for _ in range(rng.randint(1, 6)))
    return chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0x2fff), rng.randint(0x3000, 0xffff), rng.randint(0x80, 0x9f)]))
bad = set("\r\x0b\x0c\x85\u2028\u2029") | set(chr(c) for c in range(0xd800, 0xe000))
def caption():
    k = rng.randint(0, 12)
    parts = []
    for _ in range(k):
        parts.append(piece())
        parts.append(rng.choice(["", "", "", " "]) if mode == "dense" else rng.choice([" ", " ", " ", " ", "", "", "  ", "\t", "\u00a0", "\n"]))
    s = "".join(parts)
    return "".join(ch for ch in s if ch not in bad)
caps = [caption() for _ in range(n)]
res = PTBTokenizer().tokenize({0: [{"caption": c} for c in caps]})[0]
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    for c in caps: f.write(json.dumps(c) + "\n")
ours = subprocess.run([binary, "tokenize", "--jsonl", "--input", f.name],
                      capture_output=True, text=True, check=True).stdout.split("\n")
ours = [json.loads(l) for l in ours if l]
assert len(ours) == len(caps), (len(ours), len(caps))
bad_count = 0
for k, (c, a, b) in enumerate(zip(caps, res, ours)):
    if a != b:
        bad_count += 1
        if bad_count <= 15:
            print(k, repr(c), "\n   next:", repr(caps[k+1]) if k+1 < len(caps) else None, "\n   java:", repr(a), "\n   ours:", repr(b))
print(f"seed {seed}: {bad_count} / {len(caps)} differ (java lines {len(res)})")
