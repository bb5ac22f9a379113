/* mkdocs-material 9.8.2 partials/javascripts/base.html, moved out of the page so that the
   Content-Security-Policy needs no 'unsafe-inline'. The scope is the site root, taken from
   this file's own address (it lives at assets/javascripts/) instead of a per-page base_url. */
__md_scope=new URL("../..",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
